/** `checkJobs` (what validate runs, keeping no jobs) reports exactly what `expandTree` reports, and counts its jobs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadValidTree } from "../src/compile.js";
import { sortDiagnostics } from "../src/diagnostics.js";
import { checkJobs, expandTree } from "../src/expand.js";
import type { Tree } from "../src/model.js";
import { REPO, writeTree } from "./helpers/tree.js";

function treeAt(root: string): Tree {
  const r = loadValidTree(root);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  return r.value;
}

function assertSameAsExpand(tree: Tree): { jobs: number; codes: string[] } {
  const expanded = expandTree(tree);
  const checked = checkJobs(tree);
  assert.deepEqual(sortDiagnostics(checked.diagnostics), sortDiagnostics(expanded.diagnostics));
  assert.equal(
    checked.jobs,
    expanded.branches.reduce((n, b) => n + b.jobs.length, 0),
  );
  return { jobs: checked.jobs, codes: checked.diagnostics.map((d) => d.code) };
}

test("checkJobs: the embedded tree, every branch: no diagnostics, the same job count as expandTree", () => {
  const { jobs, codes } = assertSameAsExpand(treeAt(REPO));
  assert.ok(jobs > 1000, String(jobs));
  assert.deepEqual(codes, []);
});

test("checkJobs: label clashes within a platform (across build types too) and symbol clashes, as expandTree reports them", () => {
  const root = writeTree({
    // plain has chunks 2: plain-1 clashes with its first chunk on every platform and build type
    "configs/suites/plain-1.yml": "description: x\nharness: mochitest\ntreeherder: {symbol: 'M(x)'}\n",
    "configs/suites/dup.yml": "description: d\nharness: mochitest\ntreeherder: {symbol: 'M(x)'}\n",
    // build types opt and opt-x: opt-x + foo and opt + x-foo make one label
    "configs/platforms/linux64.yml":
      "description: L\nos: linux\nbuild-types: [opt, opt-x]\ntreeherder: {machine: linux64}\n" +
      'worker: {implementation: docker-worker, provisioner: p, worker-type: w, image: "i:1"}\n',
    "configs/suites/foo.yml": "description: f\nharness: mochitest\ntreeherder: {symbol: 'F(f)'}\n",
    "configs/suites/x-foo.yml": "description: xf\nharness: mochitest\ntreeherder: {symbol: 'F(xf)'}\n",
  });
  const { codes } = assertSameAsExpand(treeAt(root));
  assert.ok(codes.filter((c) => c === "JD040").length >= 2, codes.join());
  assert.ok(codes.includes("JD041"), codes.join());
});
