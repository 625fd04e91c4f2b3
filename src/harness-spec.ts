/** A harness's runner settings resolved for one platform and branch (they may be keyed by platform, os, branch). */
import type { Diagnostic } from "./diagnostics.js";
import { resolveKeyedBy } from "./merge.js";
import type { Tree } from "./model.js";

export interface ResolvedHarness {
  readonly name: string;
  readonly runFile?: string;
  readonly testsDir?: string;
  readonly zipDirs: readonly string[];
  readonly options: readonly string[];
  /** The option selecting a suite; undefined for harnesses without a runner of their own in mozharness. */
  readonly suiteArg?: string;
}

const FIELDS = ["run-file", "tests-dir", "zip-dirs", "options", "suite-arg"] as const;

type Resolution = { readonly harness: ResolvedHarness; readonly diagnostics: readonly Diagnostic[] };
const resolved = new WeakMap<Tree, Map<string, Resolution>>();

/**
 * Resolves `harness` for a platform of a branch; diagnostics when a keyed-by value has no arm for it. Memoised per
 * tree: emitters ask once per job, and the answer depends only on (harness, platform, branch). Treat it as read-only.
 */
export function resolveHarness(tree: Tree, harness: string, platform: string, branch: string): Resolution {
  let cache = resolved.get(tree);
  if (!cache) {
    cache = new Map();
    resolved.set(tree, cache);
  }
  const key = `${harness}\0${platform}\0${branch}`;
  let r = cache.get(key);
  if (!r) {
    r = resolveHarnessOnce(tree, harness, platform, branch);
    cache.set(key, r);
  }
  return r;
}

function resolveHarnessOnce(tree: Tree, harness: string, platform: string, branch: string): Resolution {
  const h = tree.harnesses.get(harness);
  if (!h) throw new Error(`unknown harness ${harness}`);
  const ctx = tree.vocabulary.contextOf({
    branch: tree.branches.get(branch)!,
    platform: tree.platforms.get(platform)!,
    harness,
  });
  const diagnostics: Diagnostic[] = [];
  const v: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const r = resolveKeyedBy((h.spec as unknown as Record<string, unknown>)[field], ctx, h.file, [field]);
    diagnostics.push(...r.diagnostics);
    v[field] = r.value;
  }
  const runFile = v["run-file"] as string | undefined;
  return {
    harness: {
      name: harness,
      runFile,
      testsDir: v["tests-dir"] as string | undefined,
      zipDirs: (v["zip-dirs"] as string[] | undefined) ?? [],
      options: (v.options as string[] | undefined) ?? [],
      suiteArg: runFile ? ((v["suite-arg"] as string | undefined) ?? `--${harness}-suite`) : undefined,
    },
    diagnostics,
  };
}
