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
 * as own properties of `into` (later ones win over what it holds), which is returned.
 */
export function definedEntries<T>(
  o: Readonly<Record<string, T | undefined>> | undefined,
  into: Record<string, T> = {},
): Record<string, T> {
  if (o)
    for (const key of Object.keys(o)) {
      const value = o[key];
      if (value !== undefined) setOwn(into, key, value);
    }
  return into;
}
