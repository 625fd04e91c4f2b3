import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { InputRecord } from "../cache/input-record.js";
import { error, fail } from "../diagnostics.js";
import type { BranchJobs } from "../expand.js";
import type { KnownInputs } from "../inputs.js";
import type { ManifestSource } from "../manifest.js";
import type { TargetName } from "../model.js";
import { TARGET_NAMES } from "../target-names.js";
import { outputPlaceProblem } from "../write/output-tree.js";
import {
  type CommonOptions,
  cacheDirFor,
  collect,
  displayDir,
  inOutputDir,
  reportNotes,
  rootOf,
  stageTimer,
  unwrap,
  withCommon,
} from "./common.js";
import { UsageError } from "./errors.js";

export interface CompileOptions extends CommonOptions {
  out?: string;
  branch: string[];
  target: TargetName[];
  set: string[];
  quiet?: boolean;
  verbose?: boolean;
  watch?: boolean;
  force?: boolean;
}

/** What one compile did, for its status line. */
export interface CompileRun {
  readonly dir: string;
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
  /** The jobs compiled; undefined when the output was proven current and nothing was compiled. */
  readonly branches?: readonly BranchJobs[];
  readonly recovered: boolean;
}

export function register(program: Command): void {
  withCommon(program.command("compile"))
    .description("write the generated directory atomically: every target of the checked-in branches, and manifest.json")
    .option("--out <dir>", "generated directory (default: the tree's generated-dir under --root, i.e. generated/)")
    .option("--branch <name>", "only this branch (repeatable; needs --out); the rest of the output stays", collect, [])
    .option(
      "--target <target>",
      `only this target (repeatable; ${TARGET_NAMES.join(", ")}; needs --out); the rest stays`,
      collect,
      [],
    )
    .option(
      "--set <path=value>",
      "override a job field in every job, as the top layer (repeatable; needs --out)",
      collect,
      [],
    )
    .option("-q, --quiet", "print nothing on success")
    .option("-v, --verbose", "list every file written, unchanged and removed")
    .option("--force", "replace or delete generated files even when they were edited by hand since the last compile")
    .option("-w, --watch", "compile again whenever configs/ changes, one status line per run, until Ctrl-C")
    .addHelpText(
      "after",
      "\nExamples:\n  jobdef compile\n  jobdef compile --branch mozilla-beta --target taskcluster --out /tmp/out\n  jobdef compile --watch",
    )
    .action(async (o: CompileOptions) => {
      if (o.quiet && o.verbose) throw new UsageError("--quiet and --verbose exclude each other");
      const targets: readonly string[] = TARGET_NAMES;
      const unknown = o.target.filter((t) => !targets.includes(t));
      if (unknown.length) throw new UsageError(`--target ${unknown[0]}: not a target; targets: ${targets.join(", ")}`);
      refusePartialIntoCheckedIn(o);
      if (o.watch) return (await import("./watch.js")).watchCompile(o);
      const start = performance.now();
      const run = await compileOnce(o, { mayProve: true });
      if (!o.quiet) printRun(o, run, start);
    });
}

/**
 * A compile of some branches, targets or with --set makes output that is not the checked-in tree's, and `check` would
 * fail on it: such a compile writes only where --out says.
 */
function refusePartialIntoCheckedIn(o: CompileOptions): void {
  if (o.out !== undefined) return;
  const given = [
    ...o.branch.map((b) => `--branch ${b}`),
    ...o.target.map((t) => `--target ${t}`),
    ...o.set.map((s) => `--set ${s}`),
  ];
  if (!given.length) return;
  throw new UsageError(
    `${given.join(" ")} compiles part of the output or changes it, and would leave the checked-in generated directory unlike a whole compile; name where it goes with --out DIR (--out generated to mean the checked-in one), or leave out ${given.length === 1 ? "that option" : "those options"}`,
  );
}

/**
 * One compile as `jobdef compile` runs it; with `mayProve`, first the up-to-date proof, which spares everything when
 * nothing changed. Diagnostics are printed and thrown as an ExitError.
 */
export async function compileOnce(o: CompileOptions, options: { mayProve: boolean }): Promise<CompileRun> {
  const start = performance.now();
  const root = rootOf(o);
  const cacheDir = cacheDirFor(o);
  // Only a compile with the tree's defaults writes the whole directory and records what it was compiled from.
  const whole = !o.branch.length && !o.target.length && !o.set.length;
  if (whole && options.mayProve) {
    const proven = await provenRun(o, root, cacheDir, start);
    if (proven) return proven;
  }
  // started before the slow part, so that it is up by the time the output is
  (await import("../write/staging-thread.js")).stagingThread();
  const { compile } = await import("../compile.js");
  const { writeOutput } = await import("../write.js");
  const overrides = unwrap((await import("../set-overrides.js")).parseSetOverrides(o.set), o);
  const inputRecord = whole && cacheDir !== undefined ? await inputRecordOf(cacheDir, root) : undefined;
  // hashed before reading: a file edited meanwhile then records its old hash, and the next run compiles again
  const source = whole ? await sourceOf(root, inputRecord) : undefined;
  const { GraphPieces } = await import("../cache/graph-pieces.js");
  const { UnitStore } = await import("../cache/unit-store.js");
  const pieces = cacheDir === undefined ? undefined : new GraphPieces(cacheDir, overrides);
  const units = cacheDir === undefined ? undefined : new UnitStore(cacheDir, root, overrides);
  const { ParsedFiles } = await import("../cache/parsed-files.js");
  const parsed = cacheDir === undefined ? undefined : new ParsedFiles(cacheDir, root);
  const { PlatformFiles } = await import("../cache/platform-files.js");
  const platformFiles = cacheDir === undefined ? undefined : new PlatformFiles(cacheDir, root, overrides);
  const compiled = compile({
    root,
    branches: o.branch,
    targets: o.target,
    overrides,
    onStage: stageTimer(o),
    pieces,
    units,
    parsed,
    platformFiles,
  });
  reportNotes([...(parsed?.notes ?? []), ...(units?.notes ?? []), ...(platformFiles?.notes ?? [])]);
  if (units && parsed && o.debug) {
    const { reused, expanded } = units.counts();
    process.stderr.write(
      `jobdef: files: ${parsed.reused} read back, ${parsed.passedBefore} not checked again; units: ${reused} read back, ${expanded} expanded; platforms' files: ${platformFiles?.reused} reused, ${platformFiles?.made} made\n`,
    );
  }
  const c = unwrap(compiled, o);
  const dir = o.out ? resolve(o.out) : join(root, c.tree.settings.generatedDir);
  refuseOutputPlace(root, dir, o);
  pieces?.bind(dir);
  const writeStart = performance.now();
  const { rememberOutput } = await import("../up-to-date.js");
  const { knownHash, recordedEntry } = cacheDir === undefined ? {} : await recordedFiles(cacheDir, dir);
  const r = await inOutputDir(dir, o, () =>
    writeOutput({
      dir,
      files: c.files,
      compiled: { branches: c.branches.map((b) => b.branch.name), targets: c.targets },
      partial: o.branch.length > 0 || o.target.length > 0,
      branchNames: c.tree.branches.keys(),
      source,
      force: o.force,
      knownHash,
      recordedEntry,
      // under the lock: no other compile replaces the files while the cache records them
      onWritten: ({ manifest, manifestText }) => {
        parsed?.save();
        units?.save();
        pieces?.save();
        platformFiles?.save();
        if (!source) return;
        inputRecord?.save();
        rememberOutput(cacheDir, root, c.tree.settings.generatedDir, dir, manifestText, manifest, true);
      },
    }),
  ).finally(() => pieces?.close());
  reportNotes(pieces?.notes ?? []);
  for (const { path, copied, entries } of pieces?.counts() ?? [])
    if (o.debug) process.stderr.write(`jobdef: ${path}: ${copied} of ${entries} entries copied from the last output\n`);
  stageTimer(o)?.("write", performance.now() - writeStart);
  return { dir, ...r, branches: c.branches };
}

/** The output may not be the root or inside its input (configs/, schemas/): a compile would overwrite what it reads. */
export function refuseOutputPlace(root: string, dir: string, o: CommonOptions & { out?: string }): void {
  const problem = outputPlaceProblem(root, dir, o.out === undefined);
  if (problem) unwrap(fail([error("JD063", `cannot use ${dir} as the generated directory: ${problem}`)]), o);
}

/** What the cache's record knows of the files in `dir`: each entry, and the hash when the stat is unchanged. */
async function recordedFiles(cacheDir: string, dir: string) {
  const { readOutputRecord, recordedHash } = await import("../cache/output-record.js");
  const read = readOutputRecord(cacheDir, dir);
  const files = read.found ? read.value.files : {};
  const recordedEntry = (path: string) => (Object.hasOwn(files, path) ? files[path] : undefined);
  const knownHash = (path: string) => recordedHash(join(dir, path), recordedEntry(path));
  return { knownHash, recordedEntry };
}

/** The status line of a run (and with --verbose, every file). */
export function printRun(o: CompileOptions, run: CompileRun, start: number, extra = ""): void {
  if (o.verbose) {
    const lines = [
      ...run.written.map((p) => `wrote      ${p}`),
      ...run.unchanged.map((p) => `unchanged  ${p}`),
      ...run.removed.map((p) => `removed    ${p}`),
    ];
    process.stderr.write(lines.map((l) => `  ${l}\n`).join(""));
  }
  const jobs = run.branches
    ? `jobs: ${run.branches.map((b) => `${b.branch.name} ${b.jobs.length}`).join(", ") || "none"}`
    : "up to date (inputs unchanged)";
  const secs = ((performance.now() - start) / 1000).toFixed(2);
  process.stderr.write(
    `jobdef compile: ${displayDir(run.dir)}/: ${run.written.length} written, ${run.unchanged.length} unchanged, ${run.removed.length} removed; ${jobs}${extra}; ${secs} s${run.recovered ? " (finished an interrupted compile first)" : ""}\n`,
  );
}

/** What a whole compile of `root` reads, for the manifest (none for a tree `hashInputs` declines). */
async function sourceOf(root: string, known: KnownInputs | undefined): Promise<ManifestSource | undefined> {
  const inputs = (await import("../inputs.js")).hashInputs(root, known);
  return inputs && { jobdef: (await import("../version.js")).JOBDEF_VERSION, inputs };
}

/** The record of the inputs' stats, saved with the output so that the next run's proof need not read them. */
async function inputRecordOf(cacheDir: string, root: string): Promise<InputRecord> {
  const { InputRecord } = await import("../cache/input-record.js");
  const record = new InputRecord(cacheDir, root);
  reportNotes(record.notes);
  return record;
}

/** A no-op compile: the output proven current from hashes, nothing compiled or written. */
async function provenRun(
  o: CompileOptions,
  root: string,
  cacheDir: string | undefined,
  start: number,
): Promise<CompileRun | undefined> {
  if (cacheDir === undefined) return undefined;
  const { proveUpToDate } = await import("../up-to-date.js");
  const out = o.out ? resolve(o.out) : undefined;
  const { proof, notes } = await proveUpToDate(root, { cacheDir, out, trustVersionAlone: false });
  reportNotes(notes);
  stageTimer(o)?.(`up-to-date proof (${proof.proven ? "proven" : proof.reason})`, performance.now() - start);
  if (!proof.proven) return undefined;
  return { dir: proof.dir, written: [], unchanged: Object.keys(proof.manifest.files), removed: [], recovered: false };
}
