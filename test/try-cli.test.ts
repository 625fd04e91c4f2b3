/** `jobdef try` through the real bin/jobdef, against the fixture tree `test/fixtures/try/`. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { REPO, runCli } from "./helpers/tree.js";

const root = join(REPO, "test", "fixtures", "try");
const jobdefTry = (...args: string[]) => runCli(["try", "--root", root, ...args]);

test("prints the selected labels, one per line, and a summary on stderr", () => {
  const r = jobdefTry("try: -b o -p linux64 -u mochitest-plain-1,reftest-no-accel -t none");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "test-linux64/opt-mochitest-plain-1\ntest-linux64/opt-reftest-no-accel\n");
  assert.equal(r.stderr, "jobdef: 2 jobs on 1 builds; rebuild: 1\n");
});

test("--json: builds, labels, platforms, rebuild, tests", () => {
  const r = jobdefTry("Bug 1 - make it faster\n\ntry: -b do -p linux -u reftest-no-accel --rebuild 2", "--json");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    builds: ["build-linux/debug", "build-linux/opt"],
    labels: ["test-linux32/debug-reftest-no-accel", "test-linux32/opt-reftest-no-accel"],
    platforms: ["linux32"],
    rebuild: 2,
    tests: ["reftest-no-accel"],
  });
  assert.match(r.stderr, /rebuild: 2/);
});

test("bad try syntax: exit 1, the message line with a caret under the token", () => {
  const r = jobdefTry("try: -b o -p all -u mochitest-plian");
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    [
      '(try syntax):1:21: error JD060: unknown test "mochitest-plian" on branch try; did you mean mochitest-plain, mochitest-bc, mochitest-dt?',
      "     1 | try: -b o -p all -u mochitest-plian",
      "       |                     ^",
      "1 error, 0 warnings",
      "",
    ].join("\n"),
  );
});

test("diagnostics in JSON carry the column", () => {
  const r = jobdefTry("Fix\ntry: -b q -p all", "--format", "json");
  assert.equal(r.code, 1);
  const [d] = JSON.parse(r.stderr);
  assert.deepEqual([d.file, d.line, d.column, d.code, d.severity], ["(try syntax)", 2, 9, "JD060", "error"]);
});

test("missing -b: a warning, nothing selected, exit 0", () => {
  const r = jobdefTry("try: -p all -u all");
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /warning JD060: no -b: nothing is selected/);
});

test("a branch without try-syntax is a usage error; an unknown branch a diagnostic", () => {
  const central = jobdefTry("try: -b o -p all -u all", "--branch", "central");
  assert.equal(central.code, 2);
  assert.match(central.stderr, /does not take try syntax/);
  const unknown = jobdefTry("try: -b o -p all -u all", "--branch", "nope");
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /JD020: unknown branch "nope"/);
});

test("--help has an example", () => {
  const r = runCli(["try", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /jobdef try "try: -b do/);
});

test("--graph: the TaskCluster tasks of the selection; build dependencies stay labels; --rebuild marks duplicates", () => {
  const r = jobdefTry("try: -b o -p linux64 -u mochitest-plain-1,mozlint --rebuild 2", "--graph");
  assert.equal(r.code, 0, r.stderr);
  const graph = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(graph), ["test-linux64/opt-mochitest-plain-1", "test-linux64/opt-mozlint"]);
  for (const [label, node] of Object.entries<{
    label: string;
    attributes: Record<string, unknown>;
    dependencies: Record<string, string>;
  }>(graph)) {
    assert.equal(node.label, label);
    assert.equal(node.attributes.task_duplicates, 2);
    assert.deepEqual(Object.values(node.dependencies), ["build-linux64/opt"]);
  }
  const once = JSON.parse(jobdefTry("try: -b o -p linux64 -u mozlint", "--graph").stdout);
  assert.equal(once["test-linux64/opt-mozlint"].attributes.task_duplicates, undefined);
});
