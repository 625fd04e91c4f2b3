/**
 * Adding a generic suite is adding one file: in a copy of the embedded tree, one new suite file running an in-tree
 * script, and nothing else edited, must validate, list, be selectable by try syntax and reach every target.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { REPO, runCli } from "./helpers/tree.js";

const SUITE = "python-mozbuild";
const COMMAND = ["./mach", "python-test", "python/mozbuild/mozbuild/test"];
const LABELS = [`test-linux64/opt-${SUITE}`, `test-macosx64/opt-${SUITE}`];

const root = mkdtempSync(join(tmpdir(), "jobdef-generic-"));
cpSync(join(REPO, "configs"), join(root, "configs"), { recursive: true });
writeFileSync(
  join(root, "configs", "suites", `${SUITE}.yml`),
  `# yaml-language-server: $schema=../../schemas/suite.schema.json
description: mozbuild's Python unit tests, run by mach in a checkout
generic:
  command: ${JSON.stringify(COMMAND)}
  cwd: .
  env:
    PYTHONDONTWRITEBYTECODE: "1"
  artifacts:
    - {name: public/logs/python-tests.log, path: python-tests.log, type: file}
treeherder:
  symbol: mb
max-run-time: 1800
run-on:
  platforms: [linux64, macosx64]
  build-types: [opt]
try:
  aliases: [python-tests]
`,
);
after(() => rmSync(root, { recursive: true, force: true }));

const jobdef = (...args: string[]) => runCli([...args, "--root", root]);
const read = (path: string) => JSON.parse(readFileSync(join(root, "generated", path), "utf8"));

test("the copy with one new generic suite is valid", () => {
  const r = jobdef("validate");
  assert.equal(r.code, 0, r.stderr);
});

test("jobdef list has its jobs", () => {
  const r = jobdef("list", "--branch", "try", "--suite", `^${SUITE}$`);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split("\n").sort(), LABELS);
});

test("try syntax selects it by name and by alias, and --graph has its tasks", () => {
  for (const name of [SUITE, "python-tests"]) {
    const r = jobdef("try", `try: -b do -p all -u ${name} -t none`);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n"), LABELS);
  }
  const graph = jobdef("try", `try: -b o -p linux64 -u ${SUITE}`, "--graph");
  assert.equal(graph.code, 0, graph.stderr);
  assert.deepEqual(Object.keys(JSON.parse(graph.stdout)), [LABELS[0]]);
});

test("compile puts it in mach, buildbot and TaskCluster, and leaves it out of mozharness", () => {
  const r = jobdef("compile", "--quiet");
  assert.equal(r.code, 0, r.stderr);
  for (const branch of ["mozilla-central", "try"]) {
    // mach: an entry that runs the command
    for (const platform of ["linux64", "macosx64"]) {
      const entry = read(`mach/${branch}/${platform}.json`)[SUITE];
      assert.ok(entry, `mach/${branch}/${platform}.json has ${SUITE}`);
      assert.deepEqual(entry.kwargs.command, COMMAND);
      assert.match(`test-${platform}/opt-${SUITE}`, new RegExp(entry.task_regex));
    }
    assert.equal(read(`mach/${branch}/win32.json`)[SUITE], undefined, "not on platforms it does not run on");
    // buildbot: a builder running the command, without mozharness
    const suites = read(`buildbot/${branch}.json`).platforms.linux64.opt_unittest_suites as [
      string,
      Record<string, unknown>,
    ][];
    const builder = suites.find(([name]) => name === SUITE);
    assert.ok(builder, `buildbot/${branch}.json linux64 opt has ${SUITE}`);
    assert.deepEqual(builder[1].command, COMMAND);
    assert.equal(builder[1].use_mozharness, false);
    assert.equal(builder[1].script_maxtime, 1800);
    // TaskCluster: a task running the command after a checkout of the revision
    const graph = read(`taskcluster/${branch}.json`);
    for (const label of LABELS) {
      const payload = graph[label]?.task.payload;
      assert.ok(payload, `taskcluster/${branch}.json has ${label}`);
      // docker-worker: one argument list; generic-worker (posix): a list of them
      const argv: string[] = Array.isArray(payload.command[0]) ? payload.command.at(-1) : payload.command;
      assert.deepEqual(argv.slice(-COMMAND.length), COMMAND);
      assert.equal(payload.env.PYTHONDONTWRITEBYTECODE, "1");
      assert.equal(payload.maxRunTime, 1800);
      assert.ok(JSON.stringify(payload.artifacts).includes("public/logs/python-tests.log"), "the artifact is uploaded");
    }
    // mozharness: generic jobs have no harness, so no all_<harness>_suites entry anywhere
    for (const file of readdirSync(join(root, "generated", "mozharness", branch)).filter((f) => f.endsWith(".json")))
      assert.ok(
        !readFileSync(join(root, "generated", "mozharness", branch, file), "utf8").includes(SUITE),
        `${file} leaves ${SUITE} out`,
      );
  }
});
