/** Keyed-by values: `{by-<attribute>: {<pattern>: value, ..., default: value}}`, resolved with taskgraph's rules. */
import { type FullMatch, fullMatch, type Patterns } from "./names.js";

export type { JobContext } from "./vocabulary.js";

/** The attribute when `value` is a keyed-by mapping: exactly one key, starting with `by-`. */
export function keyedByAttribute(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  let only: string | undefined;
  for (const k in value) {
    if (only !== undefined) return undefined;
    only = k;
  }
  return only?.startsWith("by-") ? only.slice(3) : undefined;
}

export type ArmChoice =
  | { readonly kind: "arm"; readonly key: string }
  | { readonly kind: "none"; readonly tried: readonly string[] }
  | { readonly kind: "ambiguous"; readonly matches: readonly string[] };

/** The full-match pattern of an arm key, or null when it is not a valid pattern. */
export function armRegex(key: string, patterns?: Patterns): FullMatch | null {
  try {
    return patterns ? patterns.fullMatch(key) : fullMatch(key);
  } catch {
    return null;
  }
}

/** Exact key first; else every key fully matching as a regex (two or more: ambiguous); else `default`. */
export function chooseArm(
  arms: Readonly<Record<string, unknown>>,
  value: string | undefined,
  patterns?: Patterns,
): ArmChoice {
  if (value !== undefined) {
    if (Object.hasOwn(arms, value) && value !== "default") return { kind: "arm", key: value };
    const matches: string[] = [];
    for (const key of Object.keys(arms)) {
      if (key === "default") continue;
      if (armRegex(key, patterns)?.test(value)) matches.push(key);
    }
    if (matches.length === 1) return { kind: "arm", key: matches[0] };
    if (matches.length > 1) return { kind: "ambiguous", matches };
  }
  if (Object.hasOwn(arms, "default")) return { kind: "arm", key: "default" };
  return { kind: "none", tried: Object.keys(arms) };
}
