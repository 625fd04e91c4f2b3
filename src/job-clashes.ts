/**
 * Label and Treeherder-symbol clashes among one platform's jobs (part of stage 4, expand). Labels start with
 * `test-<platform>/` and names have no "/", so labels of two platforms never clash; symbols must be unique per
 * platform and build type. Suites are screened one key per suite; only a platform where two suites share a key is
 * checked chunk by chunk, so a clash-free platform costs two strings per suite rather than two per job.
 */
import { jobLabel, treeherderSymbol } from "./names.js";

/** What a suite's chunk labels and symbols follow from. */
export interface ChunkedSuite {
  readonly platform: string;
  readonly buildType: string;
  readonly suite: string;
  readonly chunks: number;
  readonly group: string | undefined;
  /** The Treeherder symbol without group and chunk. */
  readonly symbol: string;
}

export type ClashReport<S> = (code: "JD040" | "JD041", what: string, at: [S, number], first: [S, number]) => void;

export class PlatformClashes<S extends ChunkedSuite> {
  private readonly suites: S[] = [];
  private readonly labelKeys = new Set<string>();
  private symbolKeys = new Set<string>();
  private buildType: string | undefined;
  private suspect = false;

  /** Adds a suite; suites of one build type come together, in job order. */
  add(suite: S): void {
    if (suite.buildType !== this.buildType) {
      this.buildType = suite.buildType;
      this.symbolKeys = new Set();
    }
    this.suites.push(suite);
    if (this.suspect) return;
    const label = chunkedNameKey(jobLabel(suite.platform, suite.buildType, suite.suite, 1, 1), suite.chunks);
    const symbol = symbolKey(treeherderSymbol(suite.group, suite.symbol, 1, suite.chunks));
    if (this.labelKeys.has(label) || this.symbolKeys.has(symbol)) this.suspect = true;
    this.labelKeys.add(label);
    this.symbolKeys.add(symbol);
  }

  /** Reports every job whose label or symbol an earlier job has, with that job, in job order. */
  check(report: ClashReport<S>): void {
    if (!this.suspect) return; // no two suites share a key, so no two jobs share a label or a symbol
    const labels = new Map<string, [S, number]>();
    let symbols = new Map<string, [S, number]>();
    let buildType: string | undefined;
    for (const s of this.suites) {
      if (s.buildType !== buildType) {
        buildType = s.buildType;
        symbols = new Map();
      }
      for (let chunk = 1; chunk <= s.chunks; chunk++) {
        const label = jobLabel(s.platform, s.buildType, s.suite, chunk, s.chunks);
        const first = labels.get(label);
        if (first) report("JD040", `label ${label}`, [s, chunk], first);
        else labels.set(label, [s, chunk]);
        const symbol = treeherderSymbol(s.group, s.symbol, chunk, s.chunks);
        const firstSymbol = symbols.get(symbol);
        if (firstSymbol)
          report("JD041", `Treeherder symbol ${symbol} on ${s.platform}/${s.buildType}`, [s, chunk], firstSymbol);
        else symbols.set(symbol, [s, chunk]);
      }
    }
  }
}

/**
 * A label less one trailing `-<digits>`: equal labels have equal keys, and all chunks of a suite one key (theirs
 * is `…-<chunk>`).
 */
export function labelKey(label: string): string {
  return label.replace(/-\d+$/, "");
}

/**
 * The key of the names a suite of `chunks` chunks gives: `name` when it has one chunk, `name-<chunk>` otherwise.
 * It is `labelKey` of each of them (the chunk's `-<digits>` is the one taken off), without building them.
 */
export function chunkedNameKey(name: string, chunks: number): string {
  return chunks > 1 ? name : labelKey(name);
}

/**
 * A full symbol less a closing `)`, then less its trailing digits: equal symbols have equal keys, and all chunks
 * of a suite one key (the chunk is appended to the symbol, inside the group's parentheses).
 */
export function symbolKey(symbol: string): string {
  return (symbol.endsWith(")") ? symbol.slice(0, -1) : symbol).replace(/\d+$/, "");
}
