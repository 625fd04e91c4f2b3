/** Anchored regular expressions matching exactly the job labels of one suite (valid in Python `re` and JavaScript). */
import { byCodePoint } from "../values.js";

/** Escapes every regular-expression metacharacter (`-` and `/` need none outside a class, and `\\-` is an error in JS's `u` mode). */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function alternatives(parts: readonly string[]): string {
  return parts.length === 1 ? parts[0]! : `(?:${parts.join("|")})`;
}

function digitClass(lo: number, hi: number): string {
  return lo === hi ? String(lo) : `[${lo}-${hi}]`;
}

/** A regex (without anchors) matching exactly the decimal numbers 1..n, written without leading zeros. */
export function oneToN(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new Error(`bad chunk count ${n}`);
  const digits = String(n);
  const parts: string[] = [];
  for (let d = 1; d < digits.length; d++) parts.push(`[1-9]${"[0-9]".repeat(d - 1)}`);
  let prefix = "";
  for (let i = 0; i < digits.length; i++) {
    const last = i === digits.length - 1;
    const lo = i === 0 ? 1 : 0;
    const hi = Number(digits[i]) - (last ? 0 : 1);
    if (hi >= lo) parts.push(`${prefix}${digitClass(lo, hi)}${"[0-9]".repeat(digits.length - 1 - i)}`);
    prefix += digits[i];
  }
  return alternatives(parts);
}

/**
 * `^test-<platform>/<build-type>-<suite>[-<chunk>]$` for exactly the given build types and their chunk counts
 * (see `jobLabel`): build types with the same count share one alternative.
 */
export function taskRegex(platform: string, suite: string, chunksByBuildType: ReadonlyMap<string, number>): string {
  const byCount = new Map<number, string[]>();
  for (const [buildType, chunks] of chunksByBuildType) byCount.set(chunks, [...(byCount.get(chunks) ?? []), buildType]);
  const parts = [...byCount.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([chunks, types]) => {
      const chunk = chunks > 1 ? `-${oneToN(chunks)}` : "";
      return `${alternatives(types.sort(byCodePoint).map(escapeRegex))}-${escapeRegex(suite)}${chunk}`;
    });
  return `^test-${escapeRegex(platform)}/${alternatives(parts)}$`;
}
