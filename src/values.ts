/** Small facts about JSON-like values that every stage shares. */

/** A mapping: a non-null object that is not a list. */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Orders strings by UTF-16 code unit, the same on every machine and locale (never `localeCompare`). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sets an own property, even one named `__proto__`: no input key can reach a prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * The entries of a mapping whose values are defined (a merged job's maps may hold `undefined` in their types), set
 * as own properties of `into` (later ones win over what it holds), which is returned. Without `into`, a new mapping
 * that the caller must not change: for a large one, the same for every call (jobs share their merged `env`, and
 * copying 100,000 keys per job and target was most of a busy suite's compile).
 */
export function definedEntries<T>(
  o: Readonly<Record<string, T | undefined>> | undefined,
  into?: Record<string, T>,
): Record<string, T> {
  if (into) return copyDefined(o, into);
  if (!o) return {};
  const known = largeCopies.get(o);
  if (known) return known as Record<string, T>;
  const copy = copyDefined(o, {});
  if (Object.keys(copy).length >= LARGE) largeCopies.set(o, copy);
  return copy;
}

/** Mappings of this many keys and more are remembered (`definedEntries`, `canonical`); small ones cost less to copy. */
export const LARGE = 256;
const largeCopies = new WeakMap<object, Record<string, unknown>>();

function copyDefined<T>(o: Readonly<Record<string, T | undefined>> | undefined, into: Record<string, T>) {
  if (o)
    for (const key of Object.keys(o)) {
      const value = o[key];
      if (value !== undefined) setOwn(into, key, value);
    }
  return into;
}

/**
 * `{...base, ...over}` (as own properties), its keys in code-point order when `base`'s are: one pass over `base`,
 * no sort of it.
 */
export function sortedUnion<T>(
  base: Readonly<Record<string, T>>,
  over: Readonly<Record<string, T>>,
): Record<string, T> {
  const extra = Object.keys(over).sort(byCodePoint);
  const out: Record<string, T> = {};
  let j = 0;
  for (const key of Object.keys(base)) {
    for (; j < extra.length && extra[j] < key; j++) setOwn(out, extra[j], over[extra[j]]);
    if (j < extra.length && extra[j] === key) j++;
    setOwn(out, key, Object.hasOwn(over, key) ? over[key] : base[key]);
  }
  for (; j < extra.length; j++) setOwn(out, extra[j], over[extra[j]]);
  return out;
}
