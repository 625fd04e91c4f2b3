/**
 * Stage 3, merge: resolve each layer's keyed-by values for one job's context and merge the layers in order,
 * recording for every leaf the file position that set it and what it overrode. deepmerge cannot carry
 * provenance or the `$` operators, so this is a small merge of its own; it copies own keys only and never
 * mutates its inputs.
 */

import { operatorOf } from "./check-layer.js";
import { type Code, type Diagnostic, error, type Related } from "./diagnostics.js";
import { chooseArm, type JobContext, keyedByAttribute } from "./keyed-by.js";
import type { Layer, LayerKind } from "./model.js";
import { Patterns } from "./names.js";
import { formatPath, type PathSegment, type SourceFile } from "./source.js";
import { isMapping, setOwn } from "./values.js";
import type { OperatorName } from "./vocabulary.js";

const ORIGIN: unique symbol = Symbol("origin");

/**
 * The paths and plain origins of many merges, shared: origins keep their paths, and every job merging a layer would
 * otherwise keep its own copies of that layer's paths (a fifth of what a large expansion keeps alive). An expansion
 * owns one for all its merges; a merge given none makes its own.
 */
export class MergePaths {
  constructor(
    /** Arms' regexes (the tree's, for an expansion). */
    readonly patterns = new Patterns(),
  ) {}

  private readonly children = new WeakMap<readonly PathSegment[], Map<PathSegment, readonly PathSegment[]>>();
  /** The origin of a value set at a path (`child`'s arrays) that overrode nothing (`Merger.sharedOrigin`). */
  readonly plainOrigins = new WeakMap<readonly PathSegment[], OriginNode>();

  /** `[...path, key]`, one array per distinct path. */
  child(path: readonly PathSegment[], key: PathSegment): readonly PathSegment[] {
    let byKey = this.children.get(path);
    if (!byKey) {
      byKey = new Map();
      this.children.set(path, byKey);
    }
    let child = byKey.get(key);
    if (!child) {
      child = [...path, key];
      byKey.set(key, child);
    }
    return child;
  }
}

/** Where one value came from. */
export interface Origin {
  readonly [ORIGIN]: true;
  readonly layer: LayerKind;
  readonly file: SourceFile | undefined;
  /** Path of the node inside its file (through the keyed-by arm that was chosen). */
  readonly path: readonly PathSegment[];
  /** The value of a lower layer this one replaced. */
  readonly overrode?: Origin;
  /** For lists: the origin of each item. */
  readonly items?: readonly Origin[];
  /** Overrode value, for display. */
  readonly previous?: unknown;
}

/** A provenance tree parallel to the merged value: mappings of the value are mappings here, leaves are Origins. */
export type ProvenanceNode = Origin | ProvenanceMap;
export interface ProvenanceMap {
  readonly [key: string]: ProvenanceNode;
}

export interface Merged {
  readonly value: Record<string, unknown>;
  readonly provenance: ProvenanceMap;
}

/** A merge, and its diagnostics (a keyed-by value without an arm, an operator that does not fit). */
export interface MergeResult {
  readonly merged: Merged;
  readonly diagnostics: Diagnostic[];
}

/** Origins are branded: a user mapping with keys `layer` and `path` is still a mapping. */
export function isOrigin(n: ProvenanceNode | undefined): n is Origin {
  return n !== undefined && (n as Origin)[ORIGIN] === true;
}

/** Origins are made per merged leaf: a class (one hidden class, brand on the prototype) keeps that cheap. */
class OriginNode implements Origin {
  declare readonly [ORIGIN]: true;
  constructor(
    readonly layer: LayerKind,
    readonly file: SourceFile | undefined,
    readonly path: readonly PathSegment[],
    readonly overrode?: Origin,
    readonly items?: readonly Origin[],
    readonly previous?: unknown,
  ) {}
}
Object.defineProperty(OriginNode.prototype, ORIGIN, { value: true });

/** Stands for every origin when provenance is off (benchmark only). */
const UNTRACKED: Origin = Object.freeze({
  [ORIGIN]: true as const,
  layer: "defaults" as const,
  file: undefined,
  path: [],
});
/** What `resolve` returns when no arm fits (a diagnostic says why). */
const UNRESOLVED: unique symbol = Symbol("unresolved");

/** One key of the mapping being merged, with its provenance: what the lower layers left there, and setting it. */
class Slot {
  constructor(
    private readonly target: Record<string, unknown>,
    private readonly prov: Record<string, ProvenanceNode>,
    readonly key: string,
  ) {}

  valueBelow(): unknown {
    return Object.hasOwn(this.target, this.key) ? this.target[this.key] : undefined;
  }

  originBelow(): ProvenanceNode | undefined {
    return Object.hasOwn(this.prov, this.key) ? this.prov[this.key] : undefined;
  }

  set(value: unknown, origin: ProvenanceNode): void {
    setOwn(this.target, this.key, value);
    setOwn(this.prov, this.key, origin);
  }
}

/** Merges layers into one value and its provenance; `merge` takes one layer at a time, lowest first. */
class Merger {
  readonly diagnostics: Diagnostic[] = [];
  /** The layer being merged. */
  private layer!: Layer;

  constructor(
    private readonly ctx: JobContext,
    private readonly paths: MergePaths,
    private readonly track = true,
    /**
     * Continuing a merge: the mappings this merge made or copied. The others belong to the base and are copied
     * before they change, so a continued merge costs what its layers touch, not the size of the base.
     */
    private readonly owned?: Set<object>,
  ) {}

  /** Merges `layer` into `target` (and `prov`); with `only`, just that top-level field. */
  merge(target: Record<string, unknown>, prov: Record<string, ProvenanceNode>, layer: Layer, only?: string): void {
    this.layer = layer;
    if (only === undefined) this.mapping(target, prov, layer.value, layer.path);
    else if (Object.hasOwn(layer.value, only))
      this.apply(target, prov, only, layer.value[only], this.paths.child(layer.path, only));
  }

  private mapping(
    target: Record<string, unknown>,
    prov: Record<string, ProvenanceNode>,
    src: Readonly<Record<string, unknown>>,
    srcPath: readonly PathSegment[],
  ): void {
    // for-in, not Object.keys: no array of keys per mapping per merge (a tenth of what an expansion allocates)
    for (const key in src) {
      if (Object.hasOwn(src, key)) this.apply(target, prov, key, src[key], this.paths.child(srcPath, key));
    }
  }

  /** Merges one key of the layer: its keyed-by value resolved, then by what the value is. */
  private apply(
    target: Record<string, unknown>,
    prov: Record<string, ProvenanceNode>,
    key: string,
    raw: unknown,
    srcPath: readonly PathSegment[],
  ): void {
    const keyed = keyedByAttribute(raw) !== undefined;
    const value = keyed ? this.resolve(raw, srcPath) : raw;
    if (value === UNRESOLVED) return;
    const path = keyed ? this.resolvedPath : srcPath;
    if (value === null) {
      delete target[key];
      delete prov[key];
      return;
    }
    const slot = new Slot(target, prov, key);
    const op = operatorOf(value);
    if (op !== undefined) this.operator(slot, value as Record<string, unknown>, op, path);
    else if (isMapping(value)) this.subMapping(slot, value, path);
    else this.leaf(slot, value, path);
  }

  /** `{$op: operand}`: each operator of the vocabulary (src/vocabulary.ts) has its meaning here. */
  private operator(slot: Slot, value: Record<string, unknown>, op: string, path: readonly PathSegment[]): void {
    switch (op as OperatorName) {
      case "$append":
      case "$prepend":
      case "$remove":
        this.listOperator(slot, value[op] as unknown[], op, path);
        return;
      case "$replace":
        this.replace(slot, value.$replace as Record<string, unknown>, path);
        return;
      case "$value":
        this.literal(slot, value.$value, path);
        return;
      case "$inherit":
        // this layer sets nothing here (as a keyed-by arm: the other arms override, this one keeps the lower value)
        return;
      default:
        this.fail("JD032", `unknown operator ${op}`, [...path, op], slot.originBelow());
    }
  }

  /** `$append`, `$prepend`, `$remove`: a new list from the lower layers' and the operand, with each item's origin. */
  private listOperator(slot: Slot, operand: unknown[], op: string, path: readonly PathSegment[]): void {
    const existing = slot.valueBelow();
    const before = slot.originBelow();
    if (existing !== undefined && !Array.isArray(existing)) {
      const what = typeof existing === "object" ? "mapping" : typeof existing;
      const message = `${op} needs a list below it, but lower layers made ${formatPath([slot.key])} a ${what}`;
      this.fail("JD032", message, [...path, op], before);
      return;
    }
    const list = existing === undefined ? [] : (existing as unknown[]).slice();
    const items = this.track ? this.itemsBelow(before, list.length, path) : [];
    if (op === "$remove") this.removeItems(list, items, operand, [...path, op], before);
    else this.addItems(list, items, operand, op === "$append", this.paths.child(path, op));
    const overrode = isOrigin(before) ? before : undefined;
    slot.set(list, this.origin(this.paths.child(path, op), overrode, items, existing));
  }

  /** The origins of the items of the list below, one per item. */
  private itemsBelow(before: ProvenanceNode | undefined, length: number, path: readonly PathSegment[]): Origin[] {
    if (isOrigin(before) && before.items) return before.items.slice();
    // loops, not closures: every job of a branch whose layer changes a list comes here
    const items: Origin[] = [];
    for (let i = 0; i < length; i++) items.push(isOrigin(before) ? before : this.origin(path));
    return items;
  }

  private removeItems(
    list: unknown[],
    items: Origin[],
    operand: readonly unknown[],
    opPath: PathSegment[],
    before: ProvenanceNode | undefined,
  ): void {
    operand.forEach((item, i) => {
      const at = list.findIndex((x) => deepEqual(x, item));
      if (at < 0) {
        const message = `$remove: ${JSON.stringify(item)} is not in the list (${JSON.stringify(list)})`;
        this.fail("JD033", message, [...opPath, i], before);
        return;
      }
      list.splice(at, 1);
      items.splice(at, 1);
    });
  }

  private addItems(
    list: unknown[],
    items: Origin[],
    operand: readonly unknown[],
    append: boolean,
    opPath: readonly PathSegment[],
  ): void {
    const added: Origin[] = [];
    if (this.track) for (let i = 0; i < operand.length; i++) added.push(this.origin(this.paths.child(opPath, i)));
    if (append) {
      list.push(...operand);
      items.push(...added);
    } else {
      list.unshift(...operand);
      items.unshift(...added);
    }
  }

  /** `$replace`: the layer's mapping instead of a merge into the lower layers'. */
  private replace(slot: Slot, mapping: Record<string, unknown>, path: readonly PathSegment[]): void {
    const fresh: Record<string, unknown> = {};
    const freshProv: Record<string, ProvenanceNode> = {};
    this.owned?.add(fresh);
    this.mapping(fresh, freshProv, mapping, [...path, "$replace"]);
    slot.set(fresh, freshProv as ProvenanceNode);
  }

  /** `$value`: a literal (null, or a mapping that would otherwise read as an operator or keyed-by), as it is. */
  private literal(slot: Slot, value: unknown, path: readonly PathSegment[]): void {
    const before = slot.originBelow();
    const origin = this.origin(
      this.paths.child(path, "$value"),
      isOrigin(before) ? before : undefined,
      undefined,
      slot.valueBelow(),
    );
    slot.set(value, origin);
  }

  /** A mapping merges into the lower layers' mapping (copied first when it belongs to a continued merge's base). */
  private subMapping(slot: Slot, value: Record<string, unknown>, path: readonly PathSegment[]): void {
    const existing = slot.valueBelow();
    const before = slot.originBelow();
    let sub: Record<string, unknown>;
    let subProv: Record<string, ProvenanceNode>;
    if (!isMapping(existing) || before === undefined || isOrigin(before)) {
      sub = {};
      subProv = {};
    } else if (this.owned && !this.owned.has(existing)) {
      sub = shallowCopy(existing);
      subProv = shallowCopy(before);
    } else {
      sub = existing;
      subProv = before as Record<string, ProvenanceNode>;
    }
    if (sub !== existing) {
      this.owned?.add(sub);
      slot.set(sub, subProv);
    }
    this.mapping(sub, subProv, value, path);
  }

  /** A scalar or a list replaces what the lower layers set. */
  private leaf(slot: Slot, value: unknown, path: readonly PathSegment[]): void {
    const before = slot.originBelow();
    const overrode = isOrigin(before) ? before : undefined;
    if (Array.isArray(value)) {
      // shared, not copied: every list the merge makes is new, and a frozen one cannot be changed by a consumer
      const list = Object.isFrozen(value) ? value : Object.freeze(value);
      slot.set(list, this.listOrigin(path, value.length, overrode, slot.valueBelow()));
      return;
    }
    slot.set(value, overrode ? this.origin(path, overrode, undefined, slot.valueBelow()) : this.origin(path));
  }

  /** Where a value of the layer at `at` came from (one shared stand-in when provenance is off). */
  private origin(at: readonly PathSegment[], overrode?: Origin, items?: readonly Origin[], previous?: unknown): Origin {
    if (!this.track) return UNTRACKED;
    if (overrode || items || previous !== undefined)
      return new OriginNode(this.layer.kind, this.layer.file, at, overrode, items, previous);
    return this.sharedOrigin(at, undefined);
  }

  /** The origin of a list of `length` items set at `at`, each item's origin its own path. */
  private listOrigin(
    at: readonly PathSegment[],
    length: number,
    overrode: Origin | undefined,
    previous: unknown,
  ): Origin {
    if (!this.track) return UNTRACKED;
    const { kind, file } = this.layer;
    if (overrode || previous !== undefined)
      return new OriginNode(kind, file, at, overrode, this.itemOrigins(at, length), previous);
    return this.sharedOrigin(at, length);
  }

  /**
   * A value that overrode nothing (a list of `length` items, or not a list) has the same origin in every merge of
   * its layer: one object per path, as its path is.
   */
  private sharedOrigin(at: readonly PathSegment[], length: number | undefined): Origin {
    const { kind, file } = this.layer;
    const known = this.paths.plainOrigins.get(at);
    if (known && known.layer === kind && known.file === file && known.items?.length === length) return known;
    const items = length === undefined ? undefined : this.itemOrigins(at, length);
    const origin = new OriginNode(kind, file, at, undefined, items);
    this.paths.plainOrigins.set(at, origin);
    return origin;
  }

  private itemOrigins(at: readonly PathSegment[], length: number): Origin[] {
    const items: Origin[] = [];
    for (let i = 0; i < length; i++) items.push(this.origin(this.paths.child(at, i)));
    return items;
  }

  /** The path of the arm `resolve` chose last. */
  private resolvedPath: readonly PathSegment[] = [];

  /** Follows keyed-by mappings (nested ones too) down to the chosen arm (its path in `resolvedPath`). */
  private resolve(raw: unknown, srcPath: readonly PathSegment[]): unknown {
    let value = raw;
    let path = srcPath;
    for (let attr = keyedByAttribute(value); attr !== undefined; attr = keyedByAttribute(value)) {
      const byKey = `by-${attr}`;
      const arms = (value as Record<string, Record<string, unknown>>)[byKey];
      const actual = this.ctx[attr];
      const choice = chooseArm(arms, actual, this.paths.patterns);
      const shown = actual === undefined ? `no ${attr}` : `${attr} "${actual}"`;
      if (choice.kind === "none") {
        this.fail(
          "JD030",
          `${formatPath(path)}: no arm of ${byKey} matches ${shown} and there is no default; arms tried: ${choice.tried.join(", ")}`,
          [...path, byKey],
        );
        return UNRESOLVED;
      }
      if (choice.kind === "ambiguous") {
        const related = choice.matches.map((m) => ({
          ...this.layer.file!.positionOf([...path, byKey, m], true),
          message: `arm "${m}" matches`,
        }));
        this.fail(
          "JD031",
          `${formatPath(path)}: ${shown} matches more than one arm of ${byKey}: ${choice.matches.join(", ")}`,
          [...path, byKey],
          undefined,
          related,
        );
        return UNRESOLVED;
      }
      path = this.paths.child(this.paths.child(path, byKey), choice.key);
      value = arms[choice.key];
    }
    this.resolvedPath = path;
    return value;
  }

  private fail(
    code: Code,
    message: string,
    path: PathSegment[],
    below?: ProvenanceNode,
    related: Related[] = [],
  ): void {
    const layer = this.layer;
    const last = String(path[path.length - 1] ?? "");
    const onKey = last.startsWith("$") || last.startsWith("by-");
    const at = layer.file ? layer.file.positionOf(path, onKey) : { file: "(command line)", line: 1, column: 1 };
    if (isOrigin(below) && below.file)
      related.push({ ...below.file.positionOf(below.path), message: `lower layer (${below.layer}) set it here` });
    this.diagnostics.push(error(code, message, at, related));
  }
}

/** `provenance: false` is for `npm run bench` only (the cost of provenance); the compiler always tracks it. */
export interface MergeOptions {
  readonly provenance?: boolean;
  /** Paths and origins shared with other merges (an expansion's); the merge's own when absent. */
  readonly paths?: MergePaths;
}

/**
 * Merges `layers` (lowest first) for one job context. With `only`, merges just that top-level field: enough to
 * decide whether a job exists before resolving fields that may have no arm for contexts the suite never runs in.
 */
export function mergeLayers(
  layers: readonly Layer[],
  ctx: JobContext,
  only?: string,
  options: MergeOptions = {},
): MergeResult {
  const m = new Merger(ctx, options.paths ?? new MergePaths(), options.provenance ?? true);
  const value: Record<string, unknown> = {};
  const provenance: Record<string, ProvenanceNode> = {};
  for (const layer of layers) m.merge(value, provenance, layer, only);
  return { merged: { value, provenance }, diagnostics: m.diagnostics };
}

/**
 * Continues a merge: the layers merged on top of `base` (a merge result for the same context, left untouched, and
 * sharing with the result what the layers do not change). The same as merging all layers at once; lets expansion
 * merge the layers many jobs share once.
 */
export function mergeOnto(
  base: Merged,
  layers: readonly Layer[],
  ctx: JobContext,
  options: Pick<MergeOptions, "paths"> = {},
): MergeResult {
  const value = shallowCopy(base.value);
  const provenance = shallowCopy(base.provenance) as Record<string, ProvenanceNode>;
  const m = new Merger(ctx, options.paths ?? new MergePaths(), true, new Set([value]));
  for (const layer of layers) m.merge(value, provenance, layer);
  return { merged: { value, provenance }, diagnostics: m.diagnostics };
}

/**
 * One level of a mapping, copied. The merge changes mappings in place but never a list (every list operation builds a
 * new one), so a continued merge copies just the mappings on the paths its layers write to and shares the rest.
 */
function shallowCopy<T extends object>(v: T): T {
  return { ...v }; // own data properties, `__proto__` included (spread defines, it never sets)
}

/**
 * Resolves every keyed-by mapping inside `value` (at any depth) for `ctx`: for values outside job layers that are
 * resolved per platform or branch (harness runners, mozharness settings). `path` is where `value` sits in `file`.
 */
export function resolveKeyedBy(
  value: unknown,
  ctx: JobContext,
  file: SourceFile,
  path: readonly PathSegment[],
): { value: unknown; diagnostics: Diagnostic[] } {
  if (value === undefined) return { value, diagnostics: [] };
  const key = String(path[path.length - 1] ?? "value");
  const layer: Layer = { kind: "defaults", file, path: path.slice(0, -1), value: { [key]: value } };
  const { merged, diagnostics } = mergeLayers([layer], ctx);
  return { value: merged.value[key], diagnostics };
}

/** Structural equality of JSON-like values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a))
    return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.hasOwn(b as object, k) &&
        deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}
