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

/** The entries of a mapping whose values are defined (a merged job's maps may hold `undefined` in their types). */
export function definedEntries<T>(o: Readonly<Record<string, T | undefined>> | undefined): Record<string, T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter((e): e is [string, T] => e[1] !== undefined));
}
