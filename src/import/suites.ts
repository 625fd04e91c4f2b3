/** Suite files from buildbot-configs suite lists, with each suite's options taken from the mozharness config. */
import { type Diagnostic, error } from "../diagnostics.js";
import { deepEqual } from "../merge.js";
import { NAME_RE } from "../names.js";
import { byCodePoint, isMapping } from "../values.js";
import { type Draft, type Note, normaliseName } from "./draft.js";
import { keyedByPlatform, platformPattern } from "./factor.js";
import type { PlatformConfig } from "./harnesses.js";
import type { BuildbotEntry, SuiteOptions } from "./inputs.js";
import { DRAFT_BUILD_TYPES } from "./platform.js";
import { chooseSymbols } from "./symbols.js";
import { type Assignment, contexts, foldPlaced, type Placed, valueOnPlatform, variantAt } from "./variants.js";

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
  /** Once drafted: per platform it runs on, the `all_<h>_suites` keys its jobs select first there. */
  selects?: Map<string, string[]>;
}

export interface DraftedSuites {
  readonly drafts: Draft[];
  readonly plans: SuitePlan[];
  readonly warnings: Diagnostic[];
}

interface Variant {
  readonly entry: BuildbotEntry;
  readonly lists: string[];
}

/**
 * One suite per distinct buildername of `entries`, for harnesses in `known`. A buildername whose lists disagree
 * (variants) is folded into one suite where `assignments` say where each list ran; otherwise the first list wins.
 */
export function draftSuites(
  entries: readonly BuildbotEntry[],
  platforms: readonly PlatformConfig[],
  known: ReadonlySet<string>,
  buildbotPath: string,
  assignments: readonly Assignment[] = [],
): DraftedSuites {
  const warnings: Diagnostic[] = [];
  const warn = (m: string) =>
    warnings.push({ ...error("JD065", m, { file: buildbotPath, line: 1, column: 1 }), severity: "warning" });
  const byName = new Map<string, Variant[]>();
  for (const entry of entries) {
    const name = normaliseName(entry.builder);
    if (!NAME_RE.test(name)) {
      warn(`${entry.list}: ${entry.builder}: no suite name can be made of this buildername; skipped`);
      continue;
    }
    const variants = byName.get(name) ?? [];
    const same = variants.find((v) => v.entry.builder === entry.builder && deepEqual(v.entry.settings, entry.settings));
    if (same) {
      if (!same.lists.includes(entry.list)) same.lists.push(entry.list);
    } else byName.set(name, [...variants, { entry, lists: [entry.list] }]);
  }
  const plans: { plan: SuitePlan; variants: SuitePlan[] }[] = [];
  for (const [name, variants] of byName) {
    const usable = variants.flatMap((v) => {
      const plan = planOf(name, v, known, warn);
      return plan ? [plan] : [];
    });
    if (!usable.length) continue;
    const first = usable[0]!;
    const folded = usable.filter((v) => v.harness === first.harness && v.scripted === first.scripted);
    for (const v of usable)
      if (!folded.includes(v))
        warn(`${v.lists.join(", ")}: ${v.entry.builder} runs another harness than ${first.lists[0]}'s; skipped`);
    plans.push({ plan: { ...first, lists: folded.flatMap((v) => v.lists) }, variants: folded });
  }
  const symbols = chooseSymbols(plans.map((p) => p.plan.name));
  const drafts = plans.map(({ plan, variants }) => {
    const symbol = symbols.get(plan.name)!;
    if (variants.length === 1) return draftSuite(plan, platforms, symbol);
    const folded = foldVariants(plan, variants, platforms, symbol, assignments);
    if (typeof folded !== "string") return folded;
    const kept = variants[0]!;
    for (const v of variants.slice(1))
      warn(
        `${v.lists.join(", ")}: ${v.entry.builder} differs from ${kept.lists[0]}'s (${differences(kept.entry.settings, v.entry.settings)}): kept ${kept.lists[0]}'s (${folded}); say where each list ran with --assign LIST=platform/build-type/branch, or make a second suite by hand`,
      );
    const draft = draftSuite(kept, platforms, symbol);
    plan.selects = kept.selects;
    return draft;
  });
  return { drafts, plans: plans.map((p) => p.plan), warnings };
}

/** A variant's plan: undefined (with a warning) when it is no mozharness job of a known harness. */
function planOf(name: string, v: Variant, known: ReadonlySet<string>, warn: (m: string) => void) {
  const { entry } = v;
  const where = `${v.lists.join(", ")}: ${entry.builder}`;
  if (entry.settings.use_mozharness === false) {
    warn(`${where}: not a mozharness job (use_mozharness false); skipped`);
    return undefined;
  }
  const unknown = Object.keys(entry.settings).filter((k) => !HANDLED.has(k));
  if (unknown.length) warn(`${where}: ${unknown.join(", ")} not imported`);
  const harness = harnessOf(entry, known);
  if (!harness) {
    warn(`${where}: no --<harness>-suite argument and no script to tell the harness by; skipped`);
    return undefined;
  }
  return { name, entry, lists: [...v.lists], ...harness } satisfies SuitePlan;
}

/**
 * The variants' drafts folded into one suite, each context (platform, build type, branch) given the variant
 * assigned to it; a string saying why when they cannot be.
 */
function foldVariants(
  plan: SuitePlan,
  variants: readonly SuitePlan[],
  platforms: readonly PlatformConfig[],
  symbol: { symbol: string; guessed: boolean },
  assignments: readonly Assignment[],
): Draft | string {
  const drafts = variants.map((v) => draftSuite(v, platforms, symbol));
  const branches = [...new Set(assignments.flatMap((a) => (a.branch ? [a.branch] : [])))].sort(byCodePoint);
  const lists = variants.map((v) => v.lists);
  const placed: Placed[] = [];
  const selects = new Map<string, string[]>();
  for (const context of contexts(
    platforms.map((p) => p.name),
    DRAFT_BUILD_TYPES,
    branches,
  )) {
    const i = variantAt(context, lists, assignments);
    if (typeof i === "string") return i;
    const chosen = variants[i]!.selects?.get(context.platform);
    if (!chosen) continue; // that variant does not run on this platform
    const names = selects.get(context.platform) ?? [];
    selects.set(context.platform, [...new Set([...names, ...chosen])]);
    const { "run-on": _, description: __, ...value } = drafts[i]!.value;
    placed.push({ context, value: valueOnPlatform(value, context.platform) });
  }
  if (!placed.length) return "none of them runs where it is assigned";
  const value = foldPlaced(placed);
  if (value === undefined) return "a field one list sets has no value in another";
  plan.selects = selects;
  const whole: Record<string, unknown> = {
    description: `${plan.entry.builder}, from buildbot-configs ${plan.lists.join(", ")}`,
    ...(value as Record<string, unknown>),
  };
  if (drafts[0]!.value["run-on"] !== undefined)
    whole["run-on"] = { platforms: [...selects.keys()].map(platformPattern) };
  const ordered = Object.fromEntries(fieldOrder(drafts).flatMap((k) => (k in whole ? [[k, whole[k]]] : [])));
  return suiteDraft(plan, ordered, drafts);
}

/** The drafts' fields in the order a draft writes them, each field after the ones it follows in some draft. */
function fieldOrder(drafts: readonly Draft[]): string[] {
  const order: string[] = [];
  for (const d of drafts) {
    let at = -1;
    for (const k of Object.keys(d.value)) {
      const i = order.indexOf(k);
      if (i < 0) order.splice(++at, 0, k);
      else at = i;
    }
  }
  return order;
}

function suiteDraft(plan: SuitePlan, value: Record<string, unknown>, drafts: readonly Draft[]): Draft {
  // the variants' notes, where their path is still in the folded value
  const notes: Note[] = [];
  for (const n of drafts.flatMap((d) => d.notes))
    if (hasPath(value, n.path) && !notes.some((m) => m.text === n.text && m.path.join() === n.path.join()))
      notes.push(n);
  return {
    kind: "suites",
    name: plan.name,
    header: [`Drafted by jobdef import from buildbot-configs ${plan.lists.join(", ")}, where --assign said each ran.`],
    value,
    notes,
  };
}

function hasPath(value: unknown, path: readonly string[]): boolean {
  let v = value;
  for (const k of path) {
    if (!isMapping(v) || !Object.hasOwn(v, k)) return false;
    v = v[k];
  }
  return true;
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
  let suiteName: string | undefined;
  let extra = args;
  if (chosen) {
    // `--h-suite a,b` runs a then b: one suite-name; b's entry comes from the harness's also-suites
    const first = chosen.suites[0]!;
    mozharness["suite-name"] = chosen.suites.join(",");
    extra = [...args.slice(0, chosen.index), ...args.slice(chosen.index + chosen.width)];
    suiteName = first;
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
  plan.selects = new Map(runOn.map((p) => [p, suiteName === undefined ? [] : [suiteName]]));
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
