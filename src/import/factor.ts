/**
 * Factoring values of several imported platforms: what all of them share is written once, what differs becomes a
 * `by-platform` keyed-by value, so the drafted tree holds each fact in one place instead of a copy per platform.
 */
import { deepEqual } from "../merge.js";
import { byCodePoint } from "../values.js";

/**
 * One value for `platforms`, given each one's value (absent: the platform has none). Equal everywhere: the value
 * itself. Otherwise `{by-platform: {<platform>|<platform>: value}}`, one arm per distinct value: a platform without
 * an arm fails to resolve, which the harness layer reads as "not on this platform".
 */
export function keyedByPlatform(values: ReadonlyMap<string, unknown>, platforms: readonly string[]): unknown {
  const present = platforms.filter((p) => values.get(p) !== undefined);
  if (!present.length) return undefined;
  const first = values.get(present[0]!);
  if (present.length === platforms.length && present.every((p) => deepEqual(values.get(p), first))) return first;
  // platforms with equal values share one arm, `a|b`
  const groups: { platforms: string[]; value: unknown }[] = [];
  for (const p of [...present].sort(byCodePoint)) {
    const group = groups.find((g) => deepEqual(g.value, values.get(p)));
    if (group) group.platforms.push(p);
    else groups.push({ platforms: [p], value: values.get(p) });
  }
  const arms: Record<string, unknown> = {};
  for (const g of groups) arms[g.platforms.map(platformPattern).join("|")] = g.value;
  return { "by-platform": arms };
}

/** A platform name as a keyed-by arm or run-on pattern (full-match regular expressions): dots escaped. */
export function platformPattern(name: string): string {
  return name.replace(/\./g, "\\.");
}

/** Settings every platform has with an equal value, and what is left to each platform. */
export function splitSharedSettings(settings: ReadonlyMap<string, Readonly<Record<string, unknown>>>): {
  shared: Record<string, unknown>;
  own: Map<string, Record<string, unknown>>;
} {
  const all = [...settings.values()];
  const shared: Record<string, unknown> = {};
  for (const key of Object.keys(all[0] ?? {}).sort(byCodePoint))
    if (all.every((s) => Object.hasOwn(s, key) && deepEqual(s[key], all[0]![key]))) shared[key] = all[0]![key];
  const own = new Map<string, Record<string, unknown>>();
  for (const [platform, s] of settings)
    own.set(
      platform,
      Object.fromEntries(
        Object.entries(s)
          .filter(([k]) => !Object.hasOwn(shared, k))
          .sort(([a], [b]) => byCodePoint(a, b)),
      ),
    );
  return { shared, own };
}
