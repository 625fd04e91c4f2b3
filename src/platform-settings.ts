/**
 * A platform's settings on a branch with their keyed-by values resolved (part of stage 4, expand, which resolves
 * every keyed-by value): the harness runners and the mozharness settings, values outside job layers that emitters
 * read beside the jobs.
 */
import type { Diagnostic } from "./diagnostics.js";
import { mergeLayers, resolveKeyedBy } from "./merge.js";
import type { Branch, Layer, LayerKind, Platform, Tree } from "./model.js";
import type { SourceFile } from "./source.js";

export interface ResolvedHarness {
  readonly name: string;
  readonly runFile?: string;
  readonly testsDir?: string;
  readonly zipDirs: readonly string[];
  readonly options: readonly string[];
  /** The option selecting a suite; undefined for harnesses without a runner of their own in mozharness. */
  readonly suiteArg?: string;
}

/** What emitters read of a platform on a branch besides its jobs. */
export interface PlatformSettings {
  /** Defaults' `mozharness.settings` under the platform's. */
  readonly mozharness: Readonly<Record<string, unknown>>;
  /** Defaults' `mozharness.in-tree` under the platform's: settings of the in-tree config. */
  readonly inTree: Readonly<Record<string, unknown>>;
  /** Every harness resolved here; one whose keyed-by values have no arm for this platform is left out. */
  readonly runners: ReadonlyMap<string, ResolvedHarness>;
}

/** The settings, and the diagnostics of harnesses (by name) and of the mozharness settings, kept apart. */
export interface SettingsResolution {
  readonly settings: PlatformSettings;
  /** A harness's diagnostics count only where a job uses it: another may leave the platform out of its arms. */
  readonly harnessDiagnostics: ReadonlyMap<string, readonly Diagnostic[]>;
  readonly diagnostics: readonly Diagnostic[];
}

const HARNESS_FIELDS = ["run-file", "tests-dir", "zip-dirs", "options", "suite-arg"] as const;

/** Resolves the platform's settings on `branch`. */
export function resolvePlatformSettings(tree: Tree, branch: Branch, platform: Platform): SettingsResolution {
  const runners = new Map<string, ResolvedHarness>();
  const harnessDiagnostics = new Map<string, readonly Diagnostic[]>();
  for (const name of tree.harnesses.keys()) {
    const { harness, diagnostics } = resolveHarness(tree, name, branch, platform);
    if (diagnostics.length) harnessDiagnostics.set(name, diagnostics);
    else runners.set(name, harness);
  }
  const mozharness = mozharnessSettings(tree, branch, platform, "settings");
  const inTree = mozharnessSettings(tree, branch, platform, "in-tree");
  return {
    settings: { mozharness: mozharness.value, inTree: inTree.value, runners },
    harnessDiagnostics,
    diagnostics: [...mozharness.diagnostics, ...inTree.diagnostics],
  };
}

function resolveHarness(
  tree: Tree,
  name: string,
  branch: Branch,
  platform: Platform,
): { harness: ResolvedHarness; diagnostics: Diagnostic[] } {
  const h = tree.harnesses.get(name)!;
  const ctx = tree.vocabulary.contextOf({ branch, platform, harness: name });
  const diagnostics: Diagnostic[] = [];
  const v: Record<string, unknown> = {};
  for (const field of HARNESS_FIELDS) {
    const r = resolveKeyedBy((h.spec as unknown as Record<string, unknown>)[field], ctx, h.file, [field]);
    diagnostics.push(...r.diagnostics);
    v[field] = r.value;
  }
  const runFile = v["run-file"] as string | undefined;
  const harness = {
    name,
    runFile,
    testsDir: v["tests-dir"] as string | undefined,
    zipDirs: (v["zip-dirs"] as string[] | undefined) ?? [],
    options: (v.options as string[] | undefined) ?? [],
    suiteArg: runFile ? ((v["suite-arg"] as string | undefined) ?? `--${name}-suite`) : undefined,
  };
  return { harness, diagnostics };
}

/**
 * Defaults' `mozharness.settings` (or `in-tree`) under the platform's, merged as two layers by the job layer engine: keyed-by
 * values resolved for the platform, mappings merged deeply, lists replaced, the `$` operators and `null` as in jobs.
 */
function mozharnessSettings(
  tree: Tree,
  branch: Branch,
  platform: Platform,
  key: "settings" | "in-tree",
): { value: Record<string, unknown>; diagnostics: Diagnostic[] } {
  const layer = (kind: LayerKind, file: SourceFile, settings: unknown): Layer[] =>
    settings === undefined ? [] : [{ kind, file, path: ["mozharness"], value: { [key]: settings } }];
  const { merged, diagnostics } = mergeLayers(
    [
      ...layer("defaults", tree.defaults.file, tree.defaults.spec.mozharness?.[key]),
      ...layer("platform", platform.file, platform.spec.mozharness?.[key]),
    ],
    tree.vocabulary.contextOf({ branch, platform }),
  );
  return { value: (merged.value[key] ?? {}) as Record<string, unknown>, diagnostics };
}
