/**
 * Merges of many jobs that share most of their layers (part of stage 4, expand): each shared layer is merged once
 * per distinct value of the attributes it consults, onto a cached merge of the layers below it.
 */
import { type JobContext, keyedByAttribute } from "./keyed-by.js";
import { type MergePaths, type MergeResult, mergeLayers, mergeOnto } from "./merge.js";
import type { Layer } from "./model.js";

/** Layers many jobs share, lowest first: the tree's, the platform's and the suite's (not the branch's, nor --set). */
const SHARED_KINDS: ReadonlySet<string> = new Set(["built-in", "defaults", "harness", "platform", "suite"]);

/** A cached merge of a stack of shared layers, and the merges of each layer that went on top of it. */
interface MergeStep {
  readonly result: MergeResult;
  /** This step or one below it has diagnostics. */
  readonly failed: boolean;
  /** Next layer → the values of the attributes its keyed-by values consult → the merge with it on top. */
  readonly next: Map<Layer, Map<string, MergeStep>>;
}

/**
 * Merges of jobs, sharing work between them: the leading shared layers are merged one at a time onto a cached merge
 * of the layers below, per distinct value of the attributes each layer's keyed-by values consult, and the branch
 * and `--set` layers go on top of the cached result (copying only what they change). The same result as merging
 * every layer for every job; a job whose shared layers have diagnostics is merged whole, so they come as always.
 */
export class MergeCache {
  private readonly root: MergeStep = {
    result: { merged: { value: {}, provenance: {} }, diagnostics: [] },
    failed: false,
    next: new Map(),
  };
  /** The attributes each layer's keyed-by values consult, worked out on its first merge. */
  private readonly consulted = new Map<Layer, ReadonlySet<string>>();

  constructor(private readonly paths: MergePaths) {}

  merge(layers: readonly Layer[], ctx: JobContext): MergeResult {
    let step = this.root;
    let n = 0;
    for (; n < layers.length && SHARED_KINDS.has(layers[n].kind) && !step.failed; n++) {
      const layer = layers[n];
      let byValues = step.next.get(layer);
      if (!byValues) {
        byValues = new Map();
        step.next.set(layer, byValues);
      }
      const key = valuesKey(this.consultedBy(layer), ctx);
      let next = byValues.get(key);
      if (!next) {
        const result = mergeOnto(step.result.merged, [layer], ctx, { paths: this.paths });
        next = { result, failed: step.failed || result.diagnostics.length > 0, next: new Map() };
        byValues.set(key, next);
      }
      step = next;
    }
    if (step.failed) return mergeLayers(layers, ctx, undefined, { paths: this.paths });
    return mergeOnto(step.result.merged, layers.slice(n), ctx, { paths: this.paths });
  }

  private consultedBy(layer: Layer): ReadonlySet<string> {
    let attrs = this.consulted.get(layer);
    if (!attrs) {
      attrs = attributesIn(layer.value);
      this.consulted.set(layer, attrs);
    }
    return attrs;
  }
}

/** The values of `attrs` in `ctx`, as one key. */
function valuesKey(attrs: ReadonlySet<string>, ctx: JobContext): string {
  let key = "";
  for (const attr of attrs) key += `${attr}=${JSON.stringify(ctx[attr] ?? null)}\0`;
  return key;
}

/** The attributes keyed-by values inside `value` are keyed by, at any depth (arms included). */
function attributesIn(value: unknown): ReadonlySet<string> {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    const attr = keyedByAttribute(v);
    if (attr !== undefined) found.add(attr);
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x);
  };
  walk(value);
  return found;
}

/**
 * Merges of one top-level field (`harness`, `run-on`: they decide whether and how a job exists before its whole
 * merge). Only the layers that set the field take part, so jobs of every platform, build type and branch whose
 * field comes from the same layers, with the same values of the attributes it consults, share one merge.
 */
export class FieldMergeCache {
  private readonly results = new Map<string, MergeResult>();
  /** Per layer: its part of a key (its id, and the attributes its field consults), or null when it sets no field. */
  private readonly parts = new Map<Layer, { readonly id: string; readonly attrs: ReadonlySet<string> } | null>();
  constructor(
    private readonly field: string,
    private readonly paths: MergePaths,
  ) {}

  merge(layers: readonly Layer[], ctx: JobContext): MergeResult {
    let key = "";
    for (const layer of layers) {
      const part = this.partOf(layer);
      if (part) key += part.attrs.size ? part.id + valuesKey(part.attrs, ctx) : part.id;
    }
    let result = this.results.get(key);
    if (!result) {
      const setting = layers.filter((layer) => this.partOf(layer) !== null);
      result = mergeLayers(setting, ctx, this.field, { paths: this.paths });
      this.results.set(key, result);
    }
    return result;
  }

  /** One lookup per layer and call; what it holds is worked out on the layer's first merge. */
  private partOf(layer: Layer): { readonly id: string; readonly attrs: ReadonlySet<string> } | null {
    let part = this.parts.get(layer);
    if (part === undefined) {
      part = Object.hasOwn(layer.value, this.field)
        ? { id: `${this.parts.size}:`, attrs: attributesIn(layer.value[this.field]) }
        : null;
      this.parts.set(layer, part);
    }
    return part;
  }
}
