/** Suite files from buildbot-configs suite lists, with each suite's options taken from the mozharness config. */
import { type Diagnostic, error } from "../diagnostics.js";
import { deepEqual } from "../merge.js";
import { NAME_RE } from "../names.js";
import { type Draft, type Note, normaliseName } from "./draft.js";
import { keyedByPlatform, platformPattern } from "./factor.js";
import type { PlatformConfig } from "./harnesses.js";
import type { BuildbotEntry, SuiteOptions } from "./inputs.js";
import { chooseSymbols } from "./symbols.js";

const DESKTOP_UNITTEST = "scripts/desktop_unittest.py";
const HANDLED = new Set([
  "suite",
  "use_mozharness",
  "script_path",
  "extra_args",
  "blob_upload",
  "script_maxtime",
  "timeout",
  "totalChunks",
  "download_symbols",
]);

export interface SuitePlan {
  readonly name: string;
  readonly entry: BuildbotEntry;
  readonly lists: string[];
  readonly harness: string;
  /** True when the harness comes from the script, not from a `--<h>-suite` argument. */
  readonly scripted: boolean;
  /** The platforms the suite runs on, once drafted: those whose config has its suite, all of them otherwise. */
  runOn?: readonly string[];
  /** The `all_<h>_suites` key its job selects first, once drafted. */
  suiteName?: string;
}

export interface DraftedSuites {
  readonly drafts: Draft[];
  readonly plans: SuitePlan[];
  readonly warnings: Diagnostic[];
}

/** One suite per distinct buildername of `entries` (in order: the first seen wins), for harnesses in `known`. */
export function draftSuites(
  entries: readonly BuildbotEntry[],
  platforms: readonly PlatformConfig[],
  known: ReadonlySet<string>,
  buildbotPath: string,
): DraftedSuites {
  const warnings: Diagnostic[] = [];
  const warn = (m: string) =>
    warnings.push({ ...error("JD065", m, { file: buildbotPath, line: 1, column: 1 }), severity: "warning" });
  const plans = new Map<string, SuitePlan>();
  for (const entry of entries) {
    const name = normaliseName(entry.builder);
    const where = `${entry.list}: ${entry.builder}`;
    if (!NAME_RE.test(name)) {
      warn(`${where}: no suite name can be made of this buildername; skipped`);
      continue;
    }
    const seen = plans.get(name);
    if (seen) {
      if (seen.entry.builder === entry.builder && deepEqual(seen.entry.settings, entry.settings)) {
        if (!seen.lists.includes(entry.list)) seen.lists.push(entry.list);
      } else
        warn(
          `${where} differs from ${seen.entry.list}'s (${differences(seen.entry.settings, entry.settings)}): kept ${seen.entry.list}'s; make a second suite by hand if both are needed`,
        );
      continue;
    }
    if (entry.settings.use_mozharness === false) {
      warn(`${where}: not a mozharness job (use_mozharness false); skipped`);
      continue;
    }
    const unknown = Object.keys(entry.settings).filter((k) => !HANDLED.has(k));
    if (unknown.length) warn(`${where}: ${unknown.join(", ")} not imported`);
    const harness = harnessOf(entry, known);
    if (!harness) {
      warn(`${where}: no --<harness>-suite argument and no script to tell the harness by; skipped`);
      continue;
    }
    plans.set(name, { name, entry, lists: [entry.list], ...harness });
  }
  const symbols = chooseSymbols([...plans.keys()]);
  const drafts = [...plans.values()].map((p) => draftSuite(p, platforms, symbols.get(p.name)!));
  return { drafts, plans: [...plans.values()], warnings };
}

interface SuiteArg {
  readonly index: number;
  /** Tokens taken: `--h-suite X` is 2, `--h-suite=X` is 1. */
  readonly width: number;
  readonly harness: string;
  readonly suites: string[];
}

/** The `--<h>-suite X` arguments of an argument list. */
function suiteArgs(args: readonly string[]): SuiteArg[] {
  const out: SuiteArg[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z0-9-]+)-suite(?:=(.*))?$/.exec(args[i]);
    if (!m) continue;
    const value = m[2] ?? args[i + 1];
    if (value === undefined) continue;
    out.push({ index: i, width: m[2] === undefined ? 2 : 1, harness: m[1], suites: value.split(",") });
    if (m[2] === undefined) i++;
  }
  return out;
}

function harnessOf(
  entry: BuildbotEntry,
  known: ReadonlySet<string>,
): { harness: string; scripted: boolean } | undefined {
  const args = (entry.settings.extra_args as string[] | undefined) ?? [];
  const arg = suiteArgs(args).find((a) => known.has(a.harness));
  if (arg) return { harness: arg.harness, scripted: false };
  const suite = entry.settings.suite;
  if (typeof suite === "string" && known.has(suite)) return { harness: suite, scripted: false };
  const script = entry.settings.script_path;
  if (typeof script !== "string" || script === DESKTOP_UNITTEST) return undefined;
  // scripts/web_platform_tests.py → web-platform-tests, scripts/luciddream_unittest.py → luciddream
  const base = normaliseName(
    script
      .replace(/^.*\//, "")
      .replace(/\.py$/, "")
      .replace(/_unittest$/, ""),
  );
  return NAME_RE.test(base) ? { harness: base, scripted: true } : undefined;
}

function draftSuite(
  plan: SuitePlan,
  platforms: readonly PlatformConfig[],
  symbol: { symbol: string; guessed: boolean },
): Draft {
  const { entry, harness } = plan;
  const s = entry.settings;
  const notes: Note[] = [];
  const args = [...((s.extra_args as string[] | undefined) ?? [])];
  const mozharness: Record<string, unknown> = {};
  const chosen = plan.scripted ? undefined : suiteArgs(args).find((a) => a.harness === harness);
  // desktop platforms: those whose config has suite lists (an Android emulator config has none)
  const desktop = platforms.filter((p) => Object.keys(p.moz.suites).length);
  let runOn = (desktop.length ? desktop : platforms).map((p) => p.name);
  let extra = args;
  if (chosen) {
    // `--h-suite a,b` runs a then b: one suite-name; b's entry comes from the harness's also-suites
    const first = chosen.suites[0]!;
    mozharness["suite-name"] = chosen.suites.join(",");
    extra = [...args.slice(0, chosen.index), ...args.slice(chosen.index + chosen.width)];
    plan.suiteName = first;
    const having = platforms.filter((p) => p.moz.suites[harness]?.[first] !== undefined);
    if (!having.length)
      notes.push({
        path: ["mozharness", "suite-name"],
        text: `not in all_${harness}_suites of ${platforms.map((p) => p.moz.path).join(", ")}`,
        todo: true,
      });
    else {
      runOn = having.map((p) => p.name);
      Object.assign(mozharness, suiteOptions(having, harness, first));
    }
  } else if (platforms.length > 1)
    notes.push({ path: ["run-on", "platforms"], text: "the lists do not say where this ran", todo: true });
  plan.runOn = runOn;
  if (extra.length) {
    mozharness["extra-args"] = extra;
    const more = suiteArgs(extra).map((a) => a.suites.join(","));
    if (more.length)
      notes.push({
        path: ["mozharness", "extra-args"],
        text: `buildbot ran ${[mozharness["suite-name"], ...more].join(", ")} in one job`,
      });
  }
  if (typeof s.script_path === "string" && s.script_path !== DESKTOP_UNITTEST) mozharness.script = s.script_path;
  if (typeof s.blob_upload === "boolean") mozharness["blob-upload"] = s.blob_upload;
  if (typeof s.download_symbols === "boolean" || s.download_symbols === "ondemand")
    mozharness["download-symbols"] = s.download_symbols;

  const value: Record<string, unknown> = {
    description: `${entry.builder}, from buildbot-configs ${plan.lists.join(", ")}`,
    harness,
    treeherder: { symbol: symbol.symbol },
  };
  if (symbol.guessed) notes.push({ path: ["treeherder", "symbol"], text: "guessed", todo: true });
  if (platforms.length > 1 || platforms[0]?.name) value["run-on"] = { platforms: runOn.map(platformPattern) };
  if (typeof s.totalChunks === "number") value.chunks = s.totalChunks;
  if (typeof s.script_maxtime === "number") value["max-run-time"] = s.script_maxtime;
  if (Object.keys(mozharness).length) value.mozharness = mozharness;
  const buildbot: Record<string, unknown> = {};
  if (entry.builder !== plan.name) buildbot.name = entry.builder;
  if (typeof s.timeout === "number") buildbot.timeout = s.timeout;
  if (Object.keys(buildbot).length) value.buildbot = buildbot;
  return {
    kind: "suites",
    name: plan.name,
    header: [`Drafted by jobdef import from buildbot-configs ${plan.lists.join(", ")}.`],
    value,
    notes,
  };
}

function differences(kept: Readonly<Record<string, unknown>>, other: Readonly<Record<string, unknown>>): string {
  const keys = [...new Set([...Object.keys(kept), ...Object.keys(other)])].sort();
  const show = (v: unknown) => (v === undefined ? "unset" : JSON.stringify(v));
  return keys
    .filter((k) => !deepEqual(kept[k], other[k]))
    .map((k) => `${k} ${show(other[k])} here, ${show(kept[k])} there`)
    .join("; ");
}

/** The suite's options (and env) on each platform that has it: one value when equal, else keyed by platform. */
function suiteOptions(having: readonly PlatformConfig[], harness: string, name: string): Record<string, unknown> {
  const entries = new Map(having.map((p) => [p.name, p.moz.suites[harness]![name]!] as [string, SuiteOptions]));
  const optionsOf = (e: SuiteOptions) => (Array.isArray(e) ? [...e] : [...(e as { options: string[] }).options]);
  const envOf = (e: SuiteOptions) => (Array.isArray(e) ? {} : { ...((e as { env?: object }).env ?? {}) });
  const names = having.map((p) => p.name);
  const out: Record<string, unknown> = {
    options: keyedByPlatform(new Map([...entries].map(([p, e]) => [p, optionsOf(e)])), names),
  };
  if ([...entries.values()].some((e) => Object.keys(envOf(e)).length))
    out.env = keyedByPlatform(new Map([...entries].map(([p, e]) => [p, envOf(e)])), names);
  return out;
}
