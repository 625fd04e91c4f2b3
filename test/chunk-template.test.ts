/**
 * The task graph file renders a suite's chunks from one template (emit/taskcluster.ts): its text must be exactly
 * what serialising each entry would give, and a suite whose own text holds the probe numbers must be rendered
 * chunk by chunk.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { compile } from "../src/compile.js";
import { toJson } from "../src/emit/serialize.js";
import { CHUNK_PROBE, taskGraph } from "../src/emit/taskcluster.js";
import { REPO, writeTree } from "./helpers/tree.js";

/** Each branch's graph file against `toJson` of the graph's values (built entry by entry, no template). */
function assertGraphFilesExact(root: string): number {
  const r = compile({ root, branches: "all", targets: ["taskcluster"] });
  if (!r.ok) assert.fail(JSON.stringify(r.diagnostics));
  const { branches, files, tree } = r.value;
  let chunked = 0;
  for (const branch of branches) {
    const file = files.find((f) => f.path === `taskcluster/${branch.branch.name}.json`);
    assert.ok(file);
    const graph = taskGraph(tree, branch);
    assert.equal(file.content, toJson(graph as Record<string, unknown>), branch.branch.name);
    chunked += branch.jobs.filter((j) => j.chunks >= 3).length;
  }
  return chunked;
}

test("chunk templates: the embedded tree's graphs, every branch, are byte for byte the entries serialised", () => {
  assert.ok(assertGraphFilesExact(REPO) > 100);
});

test("chunk templates: the scheduler fixture (Windows command lines, generic suites) is exact too", () => {
  assertGraphFilesExact(join(REPO, "test", "fixtures", "scheduler"));
});

test("chunk templates: a suite whose text holds a probe number, or the chunk count, is still exact", () => {
  const suite = (description: string, extra = "") =>
    `description: "${description}"\nharness: mochitest\ntreeherder: {symbol: "M(p)"}\nchunks: 4\n${extra}`;
  const root = writeTree({
    "configs/suites/plain.yml": suite(`runs ${CHUNK_PROBE} tests`),
    "configs/suites/other.yml": `${suite(`other ${CHUNK_PROBE + 1}`)}treeherder: {symbol: "M(o)"}\n`.replace(
      'treeherder: {symbol: "M(p)"}\n',
      "",
    ),
    "configs/suites/third.yml": suite("chunk 4 of 4, 12 tests").replace("M(p)", "M(t1)"),
    "configs/suites/fourth.yml": suite("tests", `env: {N: '${CHUNK_PROBE}${CHUNK_PROBE}'}\n`).replace("M(p)", "M(f)"),
  });
  assert.ok(assertGraphFilesExact(root) >= 16);
});
