/**
 * `jobdef import`: drafts a configs/ tree from Mozilla's 2015 configs (a mozharness repository config, an in-tree
 * mozharness config, buildbot-configs suite lists). Returns the files' text; the caller writes them.
 */
import { dirname, join, relative, sep } from "node:path";
import { type Diagnostic, error, fail, ok, type Result } from "../diagnostics.js";
import { splitSymbol } from "../names.js";
import { byCodePoint, isMapping } from "../values.js";
import { type Draft, draftPath } from "./draft.js";
import { keyedByPlatform, splitSharedSettings } from "./factor.js";
import { draftDefaults, draftHarnesses, knownHarnesses, mozharnessSettings, type PlatformConfig } from "./harnesses.js";
import { type BuildbotEntry, type InputText, readBuildbot, readInTree, readMozharness } from "./inputs.js";
import { DRAFT_BUILD_TYPES, draftPlatform } from "./platform.js";
import { renderDraft, todoLines } from "./render.js";
import { stampDraft } from "./stamp.js";
import { draftSuites, type SuitePlan } from "./suites.js";
import { KNOWN_GROUPS } from "./symbols.js";
import type { Assignment } from "./variants.js";

/** One platform's mozharness repository config (a Python config evaluated to JSON text, or JSON). */
export interface PlatformInput {
  readonly name: string;
  readonly input: InputText;
}

export interface ImportInputs {
  /** One mozharness config; with `platform`, also `platforms/<platform>.yml` (which then takes its settings). */
  readonly mozharness?: InputText;
  readonly platform?: string;
  /** Several platforms' configs, imported into one tree: what they share in defaults and harnesses. */
  readonly platforms?: readonly PlatformInput[];
  readonly inTree?: InputText;
  readonly buildbot?: InputText;
  /** Suite lists to import, in this order; all of them, in file order, by default. */
  readonly lists?: readonly string[];
  /** Where suite lists ran (`mozilla-tests/config.py`'s choices), to fold a buildername's variants into one suite. */
  readonly assignments?: readonly Assignment[];
}

export interface ImportOptions {
  /** The directory the draft tree is written under (holds configs/). */
  readonly outDir: string;
  /** jobdef's schemas/ directory: each file's schema line points at it, relative to the file. */
  readonly schemasDir: string;
}

export interface ImportedFile {
  /** Relative to the output directory. */
  readonly path: string;
  readonly content: string;
  /** `line: text` of each line marked `TODO: check`. */
  readonly todos: readonly string[];
}

export interface Imported {
  readonly files: readonly ImportedFile[];
  readonly suites: readonly SuitePlan[];
}

const SCHEMA = { defaults: "defaults", harnesses: "harness", platforms: "platform", suites: "suite" } as const;

/** Drafts the configs/ files; errors (JD064) for unreadable or mis-shaped inputs, warnings (JD065) for losses. */
export function importConfigs(inputs: ImportInputs, options: ImportOptions): Result<Imported> {
  // 1. read every input
  const given: PlatformInput[] = inputs.platforms?.length
    ? [...inputs.platforms]
    : inputs.mozharness
      ? [{ name: inputs.platform ?? "", input: inputs.mozharness }]
      : [];
  if (!given.length) return fail([error("JD064", "cannot import: no mozharness config given")]);
  const read = given.map((g) => ({ name: g.name, r: readMozharness(g.input) }));
  const inTree = inputs.inTree ? readInTree(inputs.inTree) : undefined;
  const buildbot = inputs.buildbot ? readBuildbot(inputs.buildbot) : undefined;
  const errors = [...read.map((x) => x.r.diagnostic), inTree?.diagnostic, buildbot?.diagnostic].filter(
    (d): d is Diagnostic => !!d,
  );
  if (errors.length) return fail(errors);
  const platforms: PlatformConfig[] = read.map((x) => ({ name: x.name, moz: x.r.value! }));
  const entries = selectEntries(buildbot?.value, inputs);
  if (!Array.isArray(entries)) return fail([entries]);

  // 2. suites from the buildbot lists; then what no suite selects goes to its harness's also-suites
  const known = knownHarnesses(platforms, inTree?.value);
  const wrong = unknownAssignments(inputs.assignments ?? [], buildbot?.value, platforms);
  if (wrong.length) return fail(wrong);
  const suites = draftSuites(entries, platforms, known, inputs.buildbot?.path ?? "", inputs.assignments);
  const scripted = suites.plans.filter((p) => p.scripted).map((p) => p.harness);
  const also = leftoverEntries(platforms, suites.plans);
  // 3. settings: shared ones in defaults.yml, the rest in each platform's file
  const settings = new Map(platforms.map((p) => [p.name, mozharnessSettings(p.moz, inTree?.value)]));
  const named = platforms.every((p) => p.name);
  const split = platforms.length > 1 ? splitSharedSettings(settings) : { shared: {}, own: new Map(settings) };
  const groups = Object.fromEntries(
    Object.entries(KNOWN_GROUPS).filter(([g]) =>
      suites.drafts.some((d) => splitSymbol(String((d.value.treeherder as { symbol: string }).symbol)).group === g),
    ),
  );
  const drafts: Draft[] = [
    draftDefaults(platforms, groups, named ? split.shared : settings.get("")!, platforms.length > 1),
    ...draftHarnesses(platforms, inTree?.value, scripted, also),
    ...(named ? platforms.map((p) => draftPlatform(p.name, p.moz.path, split.own.get(p.name)!)) : []),
    ...suites.drafts,
  ];
  const files = drafts.map((d) => {
    const path = draftPath(d);
    const schema = relative(
      join(options.outDir, dirname(path)),
      join(options.schemasDir, `${SCHEMA[d.kind]}.schema.json`),
    );
    const content = stampDraft(renderDraft(d, schema.split(sep).join("/")));
    return { path, content, todos: todoLines(content) };
  });
  return ok({ files, suites: suites.plans }, suites.warnings);
}

/**
 * Per harness, the `all_<h>_suites` entries of each platform that no drafted suite running there selects first
 * (entries offered for runs by hand, and the later suites of a job that runs several): the harness's also-suites,
 * keyed by platform where the platforms differ.
 */
function leftoverEntries(platforms: readonly PlatformConfig[], plans: readonly SuitePlan[]): Map<string, unknown> {
  const harnesses = new Set(platforms.flatMap((p) => Object.keys(p.moz.suites)));
  const out = new Map<string, unknown>();
  for (const h of [...harnesses].sort(byCodePoint)) {
    const perPlatform = new Map<string, unknown>();
    for (const p of platforms) {
      if (!Object.keys(p.moz.suites).length) continue;
      const selected = new Set(plans.filter((s) => s.harness === h).flatMap((s) => s.selects?.get(p.name) ?? []));
      const left = Object.entries(p.moz.suites[h] ?? {})
        .filter(([name]) => !selected.has(name))
        .sort(([a], [b]) => byCodePoint(a, b));
      perPlatform.set(p.name, Object.fromEntries(left));
    }
    const names = [...perPlatform.keys()];
    const value = keyedByPlatform(perPlatform, names);
    if (value !== undefined && !(isMapping(value) && !Object.keys(value).length)) out.set(h, value);
  }
  return out;
}

/** An assignment naming a list, platform or build type the inputs do not have: a JD064 each. */
function unknownAssignments(
  assignments: readonly Assignment[],
  lists: Map<string, BuildbotEntry[]> | undefined,
  platforms: readonly PlatformConfig[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = platforms.map((p) => p.name);
  for (const a of assignments) {
    const where = `cannot import: --assign ${a.list}`;
    if (!lists?.has(a.list)) out.push(error("JD064", `${where}: no such suite list${lists ? "" : " (no --buildbot)"}`));
    else if (a.platform !== undefined && !names.includes(a.platform))
      out.push(error("JD064", `${where}: no platform ${a.platform} is imported (${names.join(", ")})`));
    else if (a.buildType !== undefined && !(DRAFT_BUILD_TYPES as readonly string[]).includes(a.buildType))
      out.push(error("JD064", `${where}: build type ${a.buildType} is not one of ${DRAFT_BUILD_TYPES.join(", ")}`));
  }
  return out;
}

function selectEntries(
  lists: Map<string, BuildbotEntry[]> | undefined,
  inputs: ImportInputs,
): BuildbotEntry[] | Diagnostic {
  if (!lists) {
    if (inputs.lists?.length) return error("JD064", "cannot import: --lists needs --buildbot");
    return [];
  }
  const names = inputs.lists?.length ? inputs.lists : [...lists.keys()];
  const missing = names.filter((n) => !lists.has(n));
  if (missing.length)
    return error("JD064", `cannot import: no suite list ${missing.join(", ")} in ${inputs.buildbot!.path}`, {
      file: inputs.buildbot!.path,
      line: 1,
      column: 1,
    });
  return names.flatMap((n) => lists.get(n)!);
}
