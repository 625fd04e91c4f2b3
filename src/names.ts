/** Names of suites, platforms, branches and harnesses, and the label and symbol rules of SPEC §2. */
import { createRequire } from "node:module";
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

/** "; did you mean a, b?" for the candidates near `word`, or nothing when none is near. */
export function didYouMean(word: string, candidates: Iterable<string>, count = 3): string {
  const near = nearest(word, candidates, count);
  return near.length ? `; did you mean ${near.join(", ")}?` : "";
}

/** A pattern matched against whole values (keyed-by arms, run-on, a branch's platforms and excluded suites). */
export interface FullMatch {
  readonly source: string;
  test(value: string): boolean;
}

type Re2 = typeof import("re2js").RE2JS;
type Re2Pattern = ReturnType<Re2["compile"]>;
let re2: Re2 | undefined;

/**
 * Matches with RE2JS, a linear-time engine, so that no pattern from a try push can backtrack for minutes (`(a+)+$`);
 * each value's answer is kept, since the same names are asked about for every job. Loaded on first use: most
 * commands start without it.
 */
class LinearFullMatch implements FullMatch {
  private readonly answers = new Map<string, boolean>();
  constructor(
    readonly source: string,
    private readonly re: Re2Pattern,
  ) {}

  test(value: string): boolean {
    let answer = this.answers.get(value);
    if (answer === undefined) {
      answer = this.re.matches(value);
      this.answers.set(value, answer);
    }
    return answer;
  }
}

/**
 * The full-match pattern of `pattern`: JavaScript syntax (with the `u` flag) that RE2 also reads, which leaves out
 * backreferences and lookaround. Throws an Error saying why a pattern is refused.
 */
export function fullMatch(pattern: string): FullMatch {
  new RegExp(`^(?:${pattern})$`, "u"); // the documented syntax; compiling never backtracks
  re2 ??= (createRequire(import.meta.url)("re2js") as typeof import("re2js")).RE2JS;
  let linear: Re2Pattern;
  try {
    linear = re2.compile(pattern);
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, "");
    throw new Error(`${why}: backreferences and lookaround are not supported, so that patterns match in linear time`);
  }
  return new LinearFullMatch(pattern, linear);
}

/**
 * A tree's patterns, each compiled once with the answers it gave: expansion asks the same arms and run-on patterns
 * about the same names for every job.
 */
export class Patterns {
  private readonly compiled = new Map<string, FullMatch>();

  /** `fullMatch(pattern)`, shared. */
  fullMatch(pattern: string): FullMatch {
    let re = this.compiled.get(pattern);
    if (!re) {
      re = fullMatch(pattern);
      this.compiled.set(pattern, re);
    }
    return re;
  }
}

/** Why `pattern` is refused (JD021), or undefined when it is a valid full-match pattern. */
export function patternProblem(pattern: string): string | undefined {
  try {
    fullMatch(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
