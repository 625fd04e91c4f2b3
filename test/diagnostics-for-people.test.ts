/** Diagnostics for people: one problem once with a count, at most --max-diagnostics of them, "did you mean". */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { test } from "node:test";
import { condense } from "../src/cli/condense.js";
import type { Diagnostic } from "../src/diagnostics.js";
import { runCli, writeTree } from "./helpers/tree.js";

const suite = (name: string, extra = "") =>
  `description: ${name}\nharness: mochitest\ntreeherder: {symbol: "M(${name})"}\n${extra}`;

test("the same problem at one place is reported once, with a count; JSON keeps every one", () => {
  // two suites give one mozharness suite different options: JD042 on every platform and build type
  const root = writeTree({
    "configs/suites/a.yml": suite("a", "mozharness: {suite-name: shared, options: [--a]}\n"),
    "configs/suites/b.yml": suite("b", "mozharness: {suite-name: shared, options: [--b]}\n"),
  });
  const text = runCli(["validate", "--root", root]);
  assert.equal(text.code, 1);
  const json = JSON.parse(runCli(["validate", "--root", root, "--format", "json"]).stderr) as { code: string }[];
  const n = json.filter((d) => d.code === "JD042").length;
  assert.ok(n >= 2, `JD042 ${n} times`);
  assert.equal(text.stderr.match(/error JD042/g)?.length, 1, text.stderr);
  assert.match(
    text.stderr,
    new RegExp(`^ {2}\\(reported once: ${n} times at this place, naming other jobs, platforms or lists\\)$`, "m"),
  );
  assert.match(text.stderr, new RegExp(`^${n} errors, 0 warnings$`, "m"));
  const github = runCli(["validate", "--root", root, "--format", "github"]);
  assert.equal(github.stderr.match(/^::error /gm)?.length, 1);
  assert.match(github.stderr, new RegExp(`\\(reported once: ${n} times at this place\\)$`, "m"));
  rmSync(root, { recursive: true, force: true });
});

test("at most --max-diagnostics (default 50) are shown, errors first, then what was left out", () => {
  const files: Record<string, string> = {};
  // 60 errors: an unknown key in 60 suites
  for (let i = 0; i < 60; i++)
    files[`configs/suites/s${String(i).padStart(2, "0")}.yml`] = suite(`s${i}`, "chunk: 2\n");
  const root = writeTree(files);
  const count = (s: string, re: RegExp) => s.match(re)?.length ?? 0;
  const byDefault = runCli(["validate", "--root", root]);
  assert.equal(byDefault.code, 1);
  assert.equal(count(byDefault.stderr, /^configs\/\S+: error JD011/gm), 50);
  assert.match(
    byDefault.stderr,
    /^jobdef: 10 errors more not shown \(--max-diagnostics 50; --max-diagnostics 0 shows all\)$/m,
  );
  assert.match(byDefault.stderr, /^60 errors, 0 warnings$/m);
  const three = runCli(["validate", "--root", root, "--max-diagnostics", "3"]);
  assert.equal(count(three.stderr, /^configs\/\S+: error JD011/gm), 3);
  assert.match(three.stderr, /^jobdef: 57 errors more not shown/m);
  const all = runCli(["validate", "--root", root, "--max-diagnostics", "0"]);
  assert.equal(count(all.stderr, /^configs\/\S+: error JD011/gm), 60);
  assert.doesNotMatch(all.stderr, /not shown/);
  assert.equal(JSON.parse(runCli(["validate", "--root", root, "--format", "json"]).stderr).length, 60);
  const bad = runCli(["validate", "--root", root, "--max-diagnostics", "many"]);
  assert.equal(bad.code, 2);
  rmSync(root, { recursive: true, force: true });
});

test("a warning never pushes an error out of view", () => {
  const root = writeTree({
    // a keyed-by arm naming no platform is a warning (JD022), placed first; a Treeherder symbol clash is an error
    "configs/suites/a-first.yml": suite("af", "chunks: {by-platform: {linux6: 2, default: 1}}\n"),
    "configs/suites/z-last.yml": 'description: zl\nharness: mochitest\ntreeherder: {symbol: "M(af)"}\n',
  });
  const r = runCli(["validate", "--root", root, "--max-diagnostics", "1"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^configs\/suites\/z-last\.yml:\d+:\d+: error JD041/m);
  assert.match(r.stderr, /^jobdef: 1 warning more not shown/m);
  rmSync(root, { recursive: true, force: true });
});

test("did you mean: a branch, an explain field, a keyed-by arm", () => {
  const root = writeTree({ "configs/suites/a.yml": suite("a", "chunks: {by-platform: {wn32: 2, default: 1}}\n") });
  const branch = runCli(["compile", "--root", root, "--branch", "centrl", "--out", `${root}/out`]);
  assert.equal(branch.code, 1);
  assert.match(branch.stderr, /error JD020: unknown branch "centrl"; did you mean central\?/);
  const field = runCli(["explain", "test-linux64/opt-plain-1", "chunkz", "--root", root]);
  assert.match(field.stderr, /error JD061: test-linux64\/opt-plain-1 has no field chunkz; did you mean chunks\?/);
  const pattern = runCli(["validate", "--root", root]);
  assert.match(
    pattern.stderr,
    /warning JD022: chunks\.by-platform\.wn32: "wn32" matches no platform; did you mean win32\?/,
  );
  rmSync(root, { recursive: true, force: true });
});

test("different problems at one place stay apart; the same one naming other jobs is counted", () => {
  const at = { file: "configs/x.yml", line: 1, column: 1 };
  const d = (message: string): Diagnostic => ({ code: "JD065", severity: "warning", message, ...at });
  const list = [
    d("JITTEST_CHUNKED: jittest differs from JITTEST's (blob_upload true here, unset there)"),
    d("REFTEST_ONE_CHUNK: reftest differs from REFTEST_FOUR_CHUNKS's (totalChunks unset here, 4 there)"),
    d("JITTEST_CHUNKED: jittest differs from JITTEST's (blob_upload true here, unset there)"),
    ...["linux32", "linux64"].map((p) => ({
      ...d(
        `all_mochitest_suites["plain-chunked"] on ${p}: test-${p}/debug-mochitest-plain-1 needs ["--chunk-by-dir=4","--x"] but test-${p}/opt-mochitest-e10s-1 needs ["--chunk-by-dir=4"]; one mozharness config serves every build type and suite of a platform, so give them different mozharness.suite-name values or the same options`,
      ),
      code: "JD042",
    })),
  ] as Diagnostic[];
  const { shown, omitted } = condense(list, 50);
  assert.deepEqual(
    shown.map((g) => [g.diagnostic.code, g.diagnostic.message.slice(0, 17), g.count]),
    [
      ["JD065", "JITTEST_CHUNKED: ", 2],
      ["JD065", "REFTEST_ONE_CHUNK", 1],
      ["JD042", "all_mochitest_sui", 2],
    ],
  );
  assert.deepEqual(omitted, { errors: 0, warnings: 0 });
});
