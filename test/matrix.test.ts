/** `jobdef matrix`: suites × platforms per branch, as text and JSON, checked against the expanded jobs. */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { test } from "node:test";
import type { BranchMatrix } from "../src/matrix.js";
import { REPO, runCli, writeTree } from "./helpers/tree.js";

interface ListRow {
  label: string;
  platform: string;
  build_type: string;
  suite: string;
  chunks: number;
  scheduler: string;
}

test("the embedded tree: every job of every branch in exactly one cell, with its chunks and scheduler", () => {
  const r = runCli(["matrix", "--json", "--root", REPO]);
  assert.equal(r.code, 0, r.stderr);
  const matrices = JSON.parse(r.stdout) as BranchMatrix[];
  assert.deepEqual(
    matrices.map((m) => m.branch),
    [
      "cedar",
      "fx-team",
      "mozilla-aurora",
      "mozilla-beta",
      "mozilla-central",
      "mozilla-esr38",
      "mozilla-inbound",
      "mozilla-release",
      "try",
    ],
  );
  for (const m of matrices.filter((x) => ["mozilla-central", "mozilla-esr38"].includes(x.branch))) {
    const list = JSON.parse(runCli(["list", "--json", "--branch", m.branch, "--root", REPO]).stdout) as ListRow[];
    const byLabel = new Map(list.map((j) => [j.label, j]));
    let seen = 0;
    for (const row of m.suites)
      for (const [platform, entries] of Object.entries(row.cells))
        for (const e of entries)
          for (const label of e.labels) {
            const job = byLabel.get(label);
            assert.ok(job, `${label} on ${m.branch}`);
            assert.deepEqual(
              [job.suite, job.platform, job.build_type, job.chunks, job.scheduler],
              [row.suite, platform, e.buildType, e.chunks, e.scheduler],
            );
            seen++;
          }
    assert.equal(seen, list.length);
    assert.equal(m.jobs, list.length);
  }
  const central = matrices.find((m) => m.branch === "mozilla-central")!;
  const plain = central.suites.find((s) => s.suite === "mochitest-plain")!;
  assert.deepEqual(
    plain.cells["android-4.3"].map((e) => [e.buildType, e.chunks, e.symbol, e.tier]),
    [
      ["opt", 16, "M()", 1],
      ["debug", 16, "M()", 1],
    ],
  );
  assert.equal(central.suites.find((s) => s.suite === "mozlint-flake8")!.cells.linux64[0].scheduler, "taskcluster");
});

test("text: one table per branch, cells with build types and chunks, what is unusual marked", () => {
  const root = writeTree({
    "configs/suites/plain.yml":
      'description: p\nharness: mochitest\ntreeherder: {symbol: "M()", tier: {by-platform: {win32: 2, default: 1}}}\nchunks: {by-build-type: {debug: 4, default: 2}}\n',
    "configs/suites/lint.yml":
      'description: l\nharness: mochitest\ntreeherder: {symbol: "f8"}\nrun-on: {platforms: [linux64], build-types: [opt]}\nscheduler: taskcluster\n',
  });
  const r = runCli(["matrix", "--root", root, "--branch", "central"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "central: 2 suites × 2 platforms, 9 jobs");
  assert.match(lines[1], /^suite +symbol +linux64 +win32$/);
  assert.match(lines[2], /^lint +f8 +o 1 tc +\.$/);
  assert.match(lines[3], /^plain +M\(\) +o2 d4 +o 2 t2$/);
  assert.match(r.stdout, /^cell: build types/m);
  const unknown = runCli(["matrix", "--root", root, "--branch", "centrl"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /did you mean central\?/);
  rmSync(root, { recursive: true, force: true });
});
