/** Names of suites, platforms, branches and harnesses, and the label and symbol rules of SPEC §2. */
import { distance } from "fastest-levenshtein";
import { byCodePoint } from "./values.js";

export const NAME_RE = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * The label of one job: `test-<platform>/<build-type>-<suite>[-<chunk>]`. Joined, not concatenated: a label lives
 * as long as its job, and `+` would keep it as a tree of seven string pieces (a seventh of a large expansion).
 */
export function jobLabel(platform: string, buildType: string, suite: string, chunk: number, chunks: number): string {
  const parts = ["test-", platform, "/", buildType, "-", suite];
  if (chunks > 1) parts.push("-", String(chunk));
  return parts.join("");
}

/** Splits `M(bc)` into group and symbol; a bare symbol has no group. */
export function splitSymbol(symbol: string): { readonly group?: string; readonly symbol: string } {
  const m = /^([^()]+)\(([^()]*)\)$/.exec(symbol);
  return m ? { group: m[1], symbol: m[2] } : { symbol };
}

/** A chunk's Treeherder symbol without its group: the chunk appended when the suite is chunked. */
export function chunkSymbol(symbol: string, chunk: number, chunks: number): string {
  return chunks > 1 ? `${symbol}${chunk}` : symbol;
}

/** Treeherder's `group(symbol)` with the chunk appended when chunked. */
export function treeherderSymbol(group: string | undefined, symbol: string, chunk: number, chunks: number): string {
  const s = chunkSymbol(symbol, chunk, chunks);
  return group ? `${group}(${s})` : s;
}

/** Up to `count` candidates nearest to `word`, for "did you mean" hints. */
export function nearest(word: string, candidates: Iterable<string>, count = 3): string[] {
  const scored: [number, string][] = [];
  for (const c of candidates) scored.push([distance(word, c), c]);
  scored.sort((a, b) => a[0] - b[0] || byCodePoint(a[1], b[1]));
  const limit = Math.max(2, Math.ceil(word.length / 2));
  return scored
    .filter(([d]) => d <= limit)
    .slice(0, count)
    .map(([, c]) => c);
}

/** Anchored regular expression: keyed-by arms and run-on patterns must match the whole value. */
export function fullMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, "u");
}

/**
 * The full-match regexes of a tree's patterns, each compiled once: expansion tests the same arms and run-on patterns
 * for every job, and V8 drops its own cache of compiled patterns at each full garbage collection.
 */
export class Patterns {
  private readonly compiled = new Map<string, RegExp>();

  /** `fullMatch(pattern)`, shared (no `g` flag, so sharing is safe). */
  fullMatch(pattern: string): RegExp {
    let re = this.compiled.get(pattern);
    if (!re) {
      re = fullMatch(pattern);
      this.compiled.set(pattern, re);
    }
    return re;
  }
}
