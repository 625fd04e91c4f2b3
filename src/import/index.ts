/**
 * `jobdef import`: drafts a configs/ tree from Mozilla's 2015 configs (a mozharness repository config, an in-tree
 * mozharness config, buildbot-configs suite lists). Returns the files' text; the caller writes them.
 */
import { dirname, join, relative, sep } from "node:path";
import { type Diagnostic, error, fail, ok, type Result } from "../diagnostics.js";
import { splitSymbol } from "../names.js";
import { type Draft, draftPath } from "./draft.js";
import { draftDefaults, draftHarnesses, knownHarnesses, mozharnessSettings } from "./harnesses.js";
import { type BuildbotEntry, type InputText, readBuildbot, readInTree, readMozharness } from "./inputs.js";
import { draftPlatform } from "./platform.js";
import { renderDraft, todoLines } from "./render.js";
import { draftSuites, type SuitePlan } from "./suites.js";
import { KNOWN_GROUPS } from "./symbols.js";

export interface ImportInputs {
  readonly mozharness: InputText;
  readonly inTree?: InputText;
  readonly buildbot?: InputText;
  /** Suite lists to import, in this order; all of them, in file order, by default. */
  readonly lists?: readonly string[];
  /** Also draft `platforms/<platform>.yml`, which then takes the mozharness settings. */
  readonly platform?: string;
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
  const moz = readMozharness(inputs.mozharness);
  const inTree = inputs.inTree ? readInTree(inputs.inTree) : undefined;
  const buildbot = inputs.buildbot ? readBuildbot(inputs.buildbot) : undefined;
  const errors = [moz.diagnostic, inTree?.diagnostic, buildbot?.diagnostic].filter((d): d is Diagnostic => !!d);
  if (errors.length || !moz.value) return fail(errors);
  const entries = selectEntries(buildbot?.value, inputs);
  if (!Array.isArray(entries)) return fail([entries]);

  const known = knownHarnesses(moz.value, inTree?.value);
  const suites = draftSuites(entries, moz.value, known, inputs.buildbot?.path ?? "");
  const scripted = suites.plans.filter((p) => p.scripted).map((p) => p.harness);
  const settings = mozharnessSettings(moz.value, inTree?.value);
  const groups = Object.fromEntries(
    Object.entries(KNOWN_GROUPS).filter(([g]) =>
      suites.drafts.some((d) => splitSymbol(String((d.value.treeherder as { symbol: string }).symbol)).group === g),
    ),
  );
  const drafts: Draft[] = [
    draftDefaults(moz.value, groups, inputs.platform ? undefined : settings),
    ...draftHarnesses(moz.value, inTree?.value, scripted),
    ...(inputs.platform ? [draftPlatform(inputs.platform, inputs.mozharness.path, settings)] : []),
    ...suites.drafts,
  ];
  const files = drafts.map((d) => {
    const path = draftPath(d);
    const schema = relative(
      join(options.outDir, dirname(path)),
      join(options.schemasDir, `${SCHEMA[d.kind]}.schema.json`),
    );
    const content = renderDraft(d, schema.split(sep).join("/"));
    return { path, content, todos: todoLines(content) };
  });
  return ok({ files, suites: suites.plans }, suites.warnings);
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
