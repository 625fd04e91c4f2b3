/** Options and helpers every command shares. */
import { isAbsolute, relative, resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { cacheDirOf } from "../cache/store.js";
import { type Diagnostic, error, type Result } from "../diagnostics.js";
import { isOutputDirProblem, OutputTooLargeError } from "../write/output-error.js";
import { condense, DEFAULT_MAX_DIAGNOSTICS, omittedLine, repeatedLine } from "./condense.js";
import { EXIT, ExitError } from "./errors.js";
import { escapeText } from "./escape.js";
import { type Format, formatDiagnostics, summary } from "./report.js";

export interface CommonOptions {
  root: string;
  format: Format;
  debug?: boolean;
  /** False with --no-cache. */
  cache?: boolean;
  cacheDir?: string;
  /** Diagnostics shown at most (text and github formats; 0: all). */
  maxDiagnostics?: number;
}

export function withCommon(cmd: Command): Command {
  return cmd
    .option("--root <dir>", "the tree root (holds configs/)", ".")
    .addOption(
      new Option("--format <format>", "diagnostics format").choices(["text", "json", "github"]).default("text"),
    )
    .option("--debug", "print one timing line per stage, and stacks of internal errors")
    .option("--no-cache", "neither read nor write jobdef's cache: the cold path, everything compiled")
    .option("--cache-dir <dir>", "jobdef's cache (default: $JOBDEF_CACHE_DIR, else .jobdef-cache/ under --root)")
    .option(
      "--max-diagnostics <n>",
      `show at most n diagnostics, errors first, then a line saying how many more (0: all; JSON always has all)`,
      diagnosticCount,
      DEFAULT_MAX_DIAGNOSTICS,
    );
}

function diagnosticCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number, such as 50 (0 shows all)");
  return Number(value);
}

/** The cache directory to use, or undefined with --no-cache. */
export function cacheDirFor(o: CommonOptions): string | undefined {
  return o.cache === false ? undefined : cacheDirOf(rootOf(o), o.cacheDir && resolve(o.cacheDir));
}

/** Prints the cache's notes (a record ignored, and why). */
export function reportNotes(notes: readonly string[]): void {
  for (const n of notes) process.stderr.write(`jobdef: note: ${escapeText(n)}\n`);
}

export function rootOf(o: CommonOptions): string {
  return resolve(o.root);
}

export function stageTimer(o: CommonOptions): ((stage: string, ms: number) => void) | undefined {
  return o.debug ? (stage, ms) => process.stderr.write(`jobdef: ${stage} ${ms.toFixed(1)} ms\n`) : undefined;
}

/**
 * Prints diagnostics to stderr. For people (text, github): the same problem at one place once, with a count, and at
 * most --max-diagnostics of them; the summary line counts every one. JSON is for programs: every diagnostic.
 */
export function report(list: readonly Diagnostic[], o: CommonOptions): void {
  if (!list.length) return;
  if (o.format === "json") {
    process.stderr.write(formatDiagnostics(list, "json"));
    return;
  }
  const max = o.maxDiagnostics ?? DEFAULT_MAX_DIAGNOSTICS;
  const condensed = condense(list, max);
  let out = "";
  for (const { diagnostic: d, count } of condensed.shown) {
    if (o.format === "github") {
      const counted = count > 1 ? { ...d, message: `${d.message} (reported once: ${count} times at this place)` } : d;
      out += formatDiagnostics([counted], "github");
    } else out += formatDiagnostics([d], "text") + repeatedLine(count);
  }
  process.stderr.write(out + omittedLine(condensed, max));
  if (o.format === "text") process.stderr.write(summary(list));
}

/** The value of a stage, or print its diagnostics and exit 1. Warnings are printed either way. */
export function unwrap<T>(r: Result<T>, o: CommonOptions): T {
  if (!r.ok) {
    report(r.diagnostics, o);
    throw new ExitError(EXIT.diagnostics);
  }
  report(r.warnings, o);
  return r.value;
}

/** Runs `use` on the output directory; a problem the user fixes there is a JD063 diagnostic, not an internal error. */
export async function inOutputDir<T>(dir: string, o: CommonOptions, use: () => T | Promise<T>): Promise<T> {
  try {
    return await use();
  } catch (e) {
    if (e instanceof OutputTooLargeError) {
      report([error("JD068", e.message)], o);
      throw new ExitError(EXIT.diagnostics);
    }
    if (!isOutputDirProblem(e)) throw e;
    report([error("JD063", `cannot use ${dir}: ${(e as Error).message}`)], o);
    throw new ExitError(EXIT.diagnostics);
  }
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The generated directory as the user would type it: relative to the current directory when inside it. */
export function displayDir(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return escapeText(rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? dir : rel);
}
