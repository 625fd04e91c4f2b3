/**
 * The per-suite screening of label and symbol clashes (src/job-clashes.ts) against a check of every job: the same
 * clashes, in the same order, for suites whose names, build types, symbols and chunk counts are made to collide.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type ChunkedSuite, labelKey, PlatformClashes, symbolKey } from "../src/job-clashes.js";
import { jobLabel, treeherderSymbol } from "../src/names.js";

type Report = [string, string, string, number, string, number];

/** Every job against every earlier one, as expansion checked them before the screening. */
function everyJob(suites: readonly ChunkedSuite[]): Report[] {
  const out: Report[] = [];
  const labels = new Map<string, [ChunkedSuite, number]>();
  const symbols = new Map<string, [ChunkedSuite, number]>();
  for (const s of suites)
    for (let chunk = 1; chunk <= s.chunks; chunk++) {
      const label = jobLabel(s.platform, s.buildType, s.suite, chunk, s.chunks);
      const l = labels.get(label);
      if (l) out.push(["JD040", `label ${label}`, s.suite, chunk, l[0].suite, l[1]]);
      else labels.set(label, [s, chunk]);
      const symbol = treeherderSymbol(s.group, s.symbol, chunk, s.chunks);
      const key = `${s.buildType} ${symbol}`;
      const y = symbols.get(key);
      if (y)
        out.push([
          "JD041",
          `Treeherder symbol ${symbol} on ${s.platform}/${s.buildType}`,
          s.suite,
          chunk,
          y[0].suite,
          y[1],
        ]);
      else symbols.set(key, [s, chunk]);
    }
  return out;
}

function screened(suites: readonly ChunkedSuite[]): Report[] {
  const clashes = new PlatformClashes<ChunkedSuite>();
  for (const s of suites) clashes.add(s);
  const out: Report[] = [];
  clashes.check((code, what, [s, chunk], [o, oChunk]) => out.push([code, what, s.suite, chunk, o.suite, oChunk]));
  return out;
}

const piece = fc.constantFrom("a", "b", "1", "2", "12", "-", "-1", "-2", "x-1");
const name = fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => `s${p.join("")}`);
const suite = fc.record({
  buildType: fc.constantFrom("opt", "opt-1", "debug"),
  suite: name,
  chunks: fc.constantFrom(1, 1, 2, 3, 11, 12),
  group: fc.constantFrom(undefined, "M", "M1"),
  symbol: fc.array(fc.constantFrom("b", "c", "1", "2", "11"), { minLength: 1, maxLength: 3 }).map((p) => p.join("")),
});

test("job clashes: the screened check reports exactly what checking every job reports", () => {
  fc.assert(
    fc.property(fc.array(suite, { maxLength: 8 }), (list) => {
      // suites of one build type come together, as expansion produces them
      const order = ["opt", "opt-1", "debug"];
      const suites = [...list]
        .sort((x, y) => order.indexOf(x.buildType) - order.indexOf(y.buildType))
        .map((s) => ({ ...s, platform: "linux64" }));
      assert.deepEqual(screened(suites), everyJob(suites));
    }),
    { numRuns: 5000 },
  );
});

test("job clashes: every chunk of a suite has one label key and one symbol key", () => {
  fc.assert(
    fc.property(suite, (s) => {
      const keys = new Set<string>();
      const symbolKeys = new Set<string>();
      for (let chunk = 1; chunk <= s.chunks; chunk++) {
        keys.add(labelKey(jobLabel("linux64", s.buildType, s.suite, chunk, s.chunks)));
        symbolKeys.add(symbolKey(treeherderSymbol(s.group, s.symbol, chunk, s.chunks)));
      }
      assert.equal(keys.size, 1);
      assert.equal(symbolKeys.size, 1);
    }),
  );
});
