/** Small facts about JSON-like values that every stage shares. */

/** A mapping: a non-null object that is not a list. */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Orders strings by UTF-16 code unit, the same on every machine and locale (never `localeCompare`). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
