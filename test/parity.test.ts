/**
 * Scheduler choice per job (`scheduler`: buildbot, taskcluster or both, keyed-by like any value) and `jobdef parity`:
 * the emitters write only the jobs of their scheduler; parity reads both outputs as their consumers do and reports
 * the jobs on each and what differs; release branches compile to the same bytes when a newer branch switches.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { compile, expandJobs, loadValidTree } from "../src/compile.js";
import { buildbotConfig } from "../src/emit/buildbot.js";
import { taskGraph } from "../src/emit/taskcluster.js";
import { buildbotJobs, compareSchedulers, taskclusterJobs } from "../src/parity.js";
import { fileTexts, REPO, runCli, writeTree } from "./helpers/tree.js";

const RELEASE_BRANCHES = ["mozilla-release", "mozilla-beta", "mozilla-esr38"];

interface ParityJson {
  branch: string;
  jobs: { label: string; platform: string; on: string; differences: unknown[] }[];
}

test("jobdef parity: mozilla-central runs on both schedulers (lint on TaskCluster only), mozilla-release on buildbot", () => {
  const r = runCli(["parity", "--branch", "mozilla-central", "--branch", "mozilla-release", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const [central, release] = JSON.parse(r.stdout) as ParityJson[];
  assert.equal(central!.branch, "mozilla-central");
  const only = central!.jobs.filter((j) => j.on !== "both");
  assert.deepEqual(
    only.map((j) => [j.label, j.on]),
    [["test-linux64/opt-mozlint-flake8", "taskcluster"]],
  );
  assert.ok(central!.jobs.length > 400);
  // every job both run is run alike: argv, script, chunks and max run time
  assert.deepEqual(
    central!.jobs.filter((j) => j.differences.length),
    [],
  );
  assert.ok(release!.jobs.length > 250 && release!.jobs.every((j) => j.on === "buildbot"));

  const text = runCli(["parity", "--branch", "mozilla-central", "--jobs", "--check"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /^mozilla-central: \d+ jobs: \d+ on both schedulers, 0 on buildbot only, 1 on TaskCluster only; 0 of those on both differ\n/,
  );
  assert.match(text.stdout, /\n {2}win32 +\d+ +0 +0 +0\n/);
  assert.match(text.stdout, /TaskCluster only: test-linux64\/opt-mozlint-flake8\n/);
  assert.match(runCli(["parity", "--help"]).stdout, /Examples:/);
});

test("parity reports what differs between the two outputs, read as their consumers read them", () => {
  const tree = loadValidTree(REPO);
  assert.ok(tree.ok);
  const expanded = expandJobs(tree.value, { branches: ["mozilla-central"] });
  assert.ok(expanded.ok);
  const branch = expanded.value[0]!;
  const config = buildbotConfig(tree.value, branch) as { platforms: Record<string, Record<string, unknown>> };
  // a buildbot list edited by hand: mochitest in 4 chunks with another max time, on Windows (generic-worker)
  const suites = config.platforms.win32!.opt_unittest_suites as [string, Record<string, unknown>][];
  const mochitest = suites.find(([, e]) => e.suite === "mochitest-plain")![1];
  Object.assign(mochitest, { totalChunks: 4, script_maxtime: 3600 });
  const jobs = compareSchedulers(
    buildbotJobs(config, "mozilla-central"),
    taskclusterJobs(taskGraph(tree.value, branch)),
  );
  const byLabel = new Map(jobs.map((j) => [j.label, j]));
  const first = byLabel.get("test-win32/opt-mochitest-plain-1")!;
  assert.equal(first.on, "both");
  assert.deepEqual(
    first.differences.map((d) => d.field),
    ["argv", "chunks", "max-run-time"],
  );
  assert.deepEqual(first.differences[1], { field: "chunks", buildbot: 4, taskcluster: 5 });
  assert.equal(byLabel.get("test-win32/opt-mochitest-plain-5")!.on, "taskcluster");
  const others = jobs.filter((j) => !j.label.startsWith("test-win32/opt-mochitest-plain-"));
  assert.ok(others.every((j) => !j.differences.length));
});

test("scheduler is keyed-by like any value; emitters honour it; a bad value is a diagnostic", () => {
  const root = writeTree({
    "configs/suites/plain.yml": `description: Mochitest plain
harness: mochitest
treeherder: {symbol: "M()"}
chunks: 2
scheduler:
  by-platform:
    win32: buildbot
    default: taskcluster
`,
  });
  const r = compile({ root, branches: ["central"] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  const file = (p: string) => JSON.parse(r.value.files.find((f) => f.path === p)!.content);
  const graph = Object.keys(file("taskcluster/central.json")).filter((k) => !k.startsWith("$"));
  assert.deepEqual(graph.sort(), [
    "test-linux64/debug-plain-1",
    "test-linux64/debug-plain-2",
    "test-linux64/opt-plain-1",
    "test-linux64/opt-plain-2",
  ]);
  const buildbot = file("buildbot/central.json").platforms;
  assert.deepEqual(buildbot.linux64.build_types, []);
  assert.equal(buildbot.win32.opt_unittest_suites.length, 1);
  // mozharness serves both
  assert.ok(file("mozharness/central/win32.json").all_mochitest_suites.plain);
  assert.ok(file("mozharness/central/linux64.json").all_mochitest_suites.plain);

  const bad = writeTree({
    "configs/branches/central.yml":
      "description: x\nrepository: https://x\nplatforms: ['.*']\njob:\n  scheduler: cron\n",
  });
  const v = runCli(["validate", "--root", bad]);
  assert.equal(v.code, 1);
  assert.match(v.stderr, /configs\/branches\/central\.yml:5:\d+: error JD013/);
});

test("release branches compile to the same bytes when mozilla-central moves to TaskCluster", () => {
  const root = mkdtempSync(join(tmpdir(), "jobdef-parity-"));
  cpSync(join(REPO, "configs"), join(root, "configs"), { recursive: true });
  const release = () => {
    const r = compile({ root, branches: RELEASE_BRANCHES });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
    return fileTexts(r.value.files);
  };
  const central = () => {
    const r = compile({ root, branches: ["mozilla-central"], targets: ["buildbot", "taskcluster"] });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
    return fileTexts(r.value.files);
  };
  const before = release();
  const centralBefore = central();
  // trunk switches: every job to TaskCluster, and one suite keyed by branch
  const branchFile = join(root, "configs/branches/mozilla-central.yml");
  writeFileSync(branchFile, `${readFileSync(branchFile, "utf8")}job:\n  scheduler: taskcluster\n`);
  const suiteFile = join(root, "configs/suites/xpcshell.yml");
  writeFileSync(
    suiteFile,
    `${readFileSync(suiteFile, "utf8")}scheduler:\n  by-branch:\n    mozilla-(central|inbound): taskcluster\n    default: both\n`,
  );
  const after = release();
  assert.ok(before.length >= 3 * 6);
  assert.deepEqual(after, before, "release branches' output changed");
  // ... while mozilla-central's buildbot lists emptied and its task graph kept every job
  const centralAfter = central();
  assert.notDeepEqual(centralAfter, centralBefore);
  const bb = JSON.parse(centralAfter.find(([p]) => p === "buildbot/mozilla-central.json")![1]);
  for (const p of Object.values(bb.platforms) as Record<string, unknown>[]) assert.deepEqual(p.build_types, []);
  const count = (files: [string, string][]) =>
    Object.keys(JSON.parse(files.find(([p]) => p === "taskcluster/mozilla-central.json")![1])).length;
  assert.equal(count(centralAfter), count(centralBefore));
});
