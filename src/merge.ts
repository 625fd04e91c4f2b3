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
import { formatPath, type PathSegment, type SourceFile } from "./source.js";
import { isMapping, setOwn } from "./values.js";

const ORIGIN: unique symbol = Symbol("origin");

const children = new WeakMap<readonly PathSegment[], Map<PathSegment, readonly PathSegment[]>>();

/**
 * `[...path, key]`, one array per distinct path: origins keep their paths, and every job merging a layer would
 * otherwise keep its own copies of that layer's paths (a fifth of what a large expansion keeps alive).
 */
function childPath(path: readonly PathSegment[], key: PathSegment): readonly PathSegment[] {
  let byKey = children.get(path);
  if (!byKey) {
    byKey = new Map();
    children.set(path, byKey);
  }
  let child = byKey.get(key);
  if (!child) {
    child = [...path, key];
    byKey.set(key, child);
  }
  return child;
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

/** The origin of a value set at a path (`childPath`'s arrays) that overrode nothing (`sharedOrigin`). */
const plainOrigins = new WeakMap<readonly PathSegment[], OriginNode>();

/** Stands for every origin when provenance is off (benchmark only). */
const UNTRACKED: Origin = Object.freeze({
  [ORIGIN]: true as const,
  layer: "defaults" as const,
  file: undefined,
  path: [],
});
/** What `resolve` returns when no arm fits (a diagnostic says why). */
const UNRESOLVED: unique symbol = Symbol("unresolved");

class Merger {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    private readonly ctx: JobContext,
    private readonly track = true,
    /**
     * Continuing a merge: the mappings this merge made or copied. The others belong to the base and are copied
     * before they change, so a continued merge costs what its layers touch, not the size of the base.
     */
    private readonly owned?: Set<object>,
  ) {}

  mapping(
    target: Record<string, unknown>,
    prov: Record<string, ProvenanceNode>,
    src: Readonly<Record<string, unknown>>,
    layer: Layer,
    srcPath: readonly PathSegment[],
    only?: string,
  ): void {
    if (only !== undefined) {
      if (Object.hasOwn(src, only)) this.apply(target, prov, only, src[only], layer, childPath(srcPath, only));
      return;
    }
    // for-in, not Object.keys: no array of keys per mapping per merge (a tenth of what an expansion allocates)
    for (const key in src) {
      if (Object.hasOwn(src, key)) this.apply(target, prov, key, src[key], layer, childPath(srcPath, key));
    }
  }

  private apply(
    target: Record<string, unknown>,
    prov: Record<string, ProvenanceNode>,
    key: string,
    raw: unknown,
    layer: Layer,
    srcPath: readonly PathSegment[],
  ): void {
    const keyed = keyedByAttribute(raw) !== undefined;
    const value = keyed ? this.resolve(raw, layer, srcPath) : raw;
    if (value === UNRESOLVED) return;
    const path = keyed ? this.resolvedPath : srcPath;
    const existing = Object.hasOwn(target, key) ? target[key] : undefined;
    const before = Object.hasOwn(prov, key) ? prov[key] : undefined;

    if (value === null) {
      delete target[key];
      delete prov[key];
      return;
    }
    const op = operatorOf(value);
    if (op === "$append" || op === "$prepend" || op === "$remove") {
      if (existing !== undefined && !Array.isArray(existing)) {
        this.fail(
          "JD032",
          `${op} needs a list below it, but lower layers made ${formatPath([key])} a ${typeof existing === "object" ? "mapping" : typeof existing}`,
          layer,
          [...path, op],
          before,
        );
        return;
      }
      // loops, not closures: every job of a branch whose layer appends to a list comes here
      const list = existing === undefined ? [] : (existing as unknown[]).slice();
      const items: Origin[] = [];
      if (this.track) {
        if (isOrigin(before) && before.items) items.push(...before.items);
        else for (let i = 0; i < list.length; i++) items.push(isOrigin(before) ? before : this.origin(layer, path));
      }
      const operand = (value as Record<string, unknown[]>)[op];
      if (op === "$remove") {
        operand.forEach((item, i) => {
          const at = list.findIndex((x) => deepEqual(x, item));
          if (at < 0) {
            this.fail(
              "JD033",
              `$remove: ${JSON.stringify(item)} is not in the list (${JSON.stringify(list)})`,
              layer,
              [...path, op, i],
              before,
            );
            return;
          }
          list.splice(at, 1);
          items.splice(at, 1);
        });
      } else {
        const added: Origin[] = [];
        if (this.track) {
          const opPath = childPath(path, op);
          for (let i = 0; i < operand.length; i++) added.push(this.origin(layer, childPath(opPath, i)));
        }
        if (op === "$append") {
          list.push(...operand);
          items.push(...added);
        } else {
          list.unshift(...operand);
          items.unshift(...added);
        }
      }
      setOwn(target, key, list);
      prov[key] = this.origin(layer, childPath(path, op), isOrigin(before) ? before : undefined, items, existing);
      return;
    }
    if (op === "$replace") {
      const fresh: Record<string, unknown> = {};
      const freshProv: Record<string, ProvenanceNode> = {};
      this.owned?.add(fresh);
      this.mapping(fresh, freshProv, (value as Record<string, Record<string, unknown>>).$replace, layer, [
        ...path,
        "$replace",
      ]);
      setOwn(target, key, fresh);
      setOwn(prov, key, freshProv as ProvenanceNode);
      return;
    }
    if (op === "$value") {
      // A literal: null, or a mapping that would otherwise read as an operator or keyed-by, taken as it is.
      setOwn(target, key, (value as { $value: unknown }).$value);
      setOwn(
        prov,
        key,
        this.origin(layer, childPath(path, op), isOrigin(before) ? before : undefined, undefined, existing),
      );
      return;
    }
    if (op !== undefined) {
      this.fail("JD032", `unknown operator ${op}`, layer, [...path, op], before);
      return;
    }
    if (isMapping(value)) {
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
        setOwn(target, key, sub);
        setOwn(prov, key, subProv);
      }
      this.mapping(sub, subProv, value, layer, path);
      return;
    }
    const overrode = isOrigin(before) ? before : undefined;
    if (Array.isArray(value)) {
      // shared, not copied: every list the merge makes is new, and a frozen one cannot be changed by a consumer
      setOwn(target, key, Object.isFrozen(value) ? value : Object.freeze(value));
      setOwn(prov, key, this.listOrigin(layer, path, value.length, overrode, existing));
      return;
    }
    setOwn(target, key, value);
    setOwn(prov, key, overrode ? this.origin(layer, path, overrode, undefined, existing) : this.origin(layer, path));
  }

  /** Where a value of `layer` at `at` came from (one shared stand-in when provenance is off). */
  private origin(
    layer: Layer,
    at: readonly PathSegment[],
    overrode?: Origin,
    items?: readonly Origin[],
    previous?: unknown,
  ): Origin {
    if (!this.track) return UNTRACKED;
    if (overrode || items || previous !== undefined)
      return new OriginNode(layer.kind, layer.file, at, overrode, items, previous);
    return this.sharedOrigin(layer, at, undefined);
  }

  /** The origin of a list of `length` items set at `at`, each item's origin its own path. */
  private listOrigin(
    layer: Layer,
    at: readonly PathSegment[],
    length: number,
    overrode: Origin | undefined,
    previous: unknown,
  ): Origin {
    if (!this.track) return UNTRACKED;
    if (overrode || previous !== undefined)
      return new OriginNode(layer.kind, layer.file, at, overrode, this.itemOrigins(layer, at, length), previous);
    return this.sharedOrigin(layer, at, length);
  }

  /**
   * A value that overrode nothing (a list of `length` items, or not a list) has the same origin in every merge of
   * its layer: one object per path, as its path is.
   */
  private sharedOrigin(layer: Layer, at: readonly PathSegment[], length: number | undefined): Origin {
    const known = plainOrigins.get(at);
    if (known && known.layer === layer.kind && known.file === layer.file && known.items?.length === length)
      return known;
    const items = length === undefined ? undefined : this.itemOrigins(layer, at, length);
    const origin = new OriginNode(layer.kind, layer.file, at, undefined, items);
    plainOrigins.set(at, origin);
    return origin;
  }

  private itemOrigins(layer: Layer, at: readonly PathSegment[], length: number): Origin[] {
    const items: Origin[] = [];
    for (let i = 0; i < length; i++) items.push(this.origin(layer, childPath(at, i)));
    return items;
  }

  /** The path of the arm `resolve` chose last. */
  private resolvedPath: readonly PathSegment[] = [];

  /** Follows keyed-by mappings (nested ones too) down to the chosen arm (its path in `resolvedPath`). */
  private resolve(raw: unknown, layer: Layer, srcPath: readonly PathSegment[]): unknown {
    let value = raw;
    let path = srcPath;
    for (let attr = keyedByAttribute(value); attr !== undefined; attr = keyedByAttribute(value)) {
      const byKey = `by-${attr}`;
      const arms = (value as Record<string, Record<string, unknown>>)[byKey];
      const actual = this.ctx[attr];
      const choice = chooseArm(arms, actual);
      const shown = actual === undefined ? `no ${attr}` : `${attr} "${actual}"`;
      if (choice.kind === "none") {
        this.fail(
          "JD030",
          `${formatPath(path)}: no arm of ${byKey} matches ${shown} and there is no default; arms tried: ${choice.tried.join(", ")}`,
          layer,
          [...path, byKey],
        );
        return UNRESOLVED;
      }
      if (choice.kind === "ambiguous") {
        const related = choice.matches.map((m) => ({
          ...layer.file!.positionOf([...path, byKey, m], true),
          message: `arm "${m}" matches`,
        }));
        this.fail(
          "JD031",
          `${formatPath(path)}: ${shown} matches more than one arm of ${byKey}: ${choice.matches.join(", ")}`,
          layer,
          [...path, byKey],
          undefined,
          related,
        );
        return UNRESOLVED;
      }
      path = childPath(childPath(path, byKey), choice.key);
      value = arms[choice.key];
    }
    this.resolvedPath = path;
    return value;
  }

  private fail(
    code: Code,
    message: string,
    layer: Layer,
    path: PathSegment[],
    below?: ProvenanceNode,
    related: Related[] = [],
  ): void {
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
  const m = new Merger(ctx, options.provenance ?? true);
  const value: Record<string, unknown> = {};
  const provenance: Record<string, ProvenanceNode> = {};
  for (const layer of layers) m.mapping(value, provenance, layer.value, layer, layer.path, only);
  return { merged: { value, provenance }, diagnostics: m.diagnostics };
}

/**
 * Continues a merge: the layers merged on top of `base` (a merge result for the same context, left untouched, and
 * sharing with the result what the layers do not change). The same as merging all layers at once; lets expansion
 * merge the layers many jobs share once.
 */
export function mergeOnto(base: Merged, layers: readonly Layer[], ctx: JobContext): MergeResult {
  const value = shallowCopy(base.value);
  const provenance = shallowCopy(base.provenance) as Record<string, ProvenanceNode>;
  const m = new Merger(ctx, true, new Set([value]));
  for (const layer of layers) m.mapping(value, provenance, layer.value, layer, layer.path);
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
