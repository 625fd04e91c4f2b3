/** One expansion of a tree: what its branches share (merges, the merged-job validator, the cache) and its diagnostics. */

import type { UnitStore } from "../cache/unit-store.js";
import type { Diagnostic } from "../diagnostics.js";
import type { JobContext } from "../keyed-by.js";
import { MergePaths, type MergeResult, mergeLayers } from "../merge.js";
import { FieldMergeCache, MergeCache } from "../merge-cache.js";
import type { Layer, Tree } from "../model.js";
import type { Patterns } from "../names.js";
import type { ValidateFunction } from "../schemas.js";

export interface ExpandOptions {
  readonly branches?: readonly string[];
  /** Extra top layers (`--set`). */
  readonly overrides?: readonly Layer[];
  /** Merge every job from all its layers, sharing nothing: the reference the shared merges are tested against. */
  readonly reference?: boolean;
  /** Units expanded by earlier runs, reused where their key is unchanged (the CLI's cache; src/cache/unit-store.ts). */
  readonly units?: UnitStore;
}

/** Merges one job's layers (the whole job, or one field deciding whether and how it exists). */
interface JobMerger {
  merge(layers: readonly Layer[], ctx: JobContext): MergeResult;
}

/** The merges of one expansion, shared by its branches. */
export interface Merges {
  readonly job: JobMerger;
  readonly harness: JobMerger;
  readonly runOn: JobMerger;
}

/** The reference merges each job from all its layers, sharing nothing; the others share what jobs have in common. */
function newMerges(reference: boolean, patterns: Patterns): Merges {
  if (reference)
    return {
      job: { merge: (layers, ctx) => mergeLayers(layers, ctx) },
      harness: { merge: (layers, ctx) => mergeLayers(layers, ctx, "harness") },
      runOn: { merge: (layers, ctx) => mergeLayers(layers, ctx, "run-on") },
    };
  const paths = new MergePaths(patterns);
  return {
    job: new MergeCache(paths),
    harness: new FieldMergeCache("harness", paths),
    runOn: new FieldMergeCache("run-on", paths),
  };
}

export class Expansion {
  readonly diagnostics: Diagnostic[] = [];
  /** Positions of nulls reported as unsetting a needed key: one diagnostic each, not one per job. */
  readonly unsetReported = new Set<string>();
  readonly merges: Merges;
  readonly mergedJob: ValidateFunction;
  readonly overrides: readonly Layer[];
  /** The units of earlier runs; none in the reference mode, which shares nothing. */
  readonly units: UnitStore | undefined;

  constructor(
    readonly tree: Tree,
    options: ExpandOptions,
  ) {
    this.merges = newMerges(options.reference ?? false, tree.patterns);
    this.mergedJob = tree.vocabulary.schemas.fileValidator("job");
    this.overrides = options.overrides ?? [];
    this.units = options.reference ? undefined : options.units;
  }

  /** Whether a merge has diagnostics, which are reported. */
  failed(result: MergeResult): boolean {
    if (!result.diagnostics.length) return false;
    this.diagnostics.push(...result.diagnostics);
    return true;
  }
}
