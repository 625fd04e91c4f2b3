/** The real bin/jobdef as a child process: stdout, stderr and exit codes. */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, writeTree } from "./helpers/tree.js";

const BAD = {
  "configs/suites/plain.yml": 'description: d\nharness: mochitest\ntreeherder: {symbol: "M()"}\nchunk: 2\n',
};

test("cli: --help lists the commands with an example; exit 0", () => {
  const r = runCli(["--help"]);
  assert.equal(r.code, 0);
  for (const c of ["validate", "compile", "check", "list", "explain", "diff", "try"])
    assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
  assert.match(r.stdout, /Example/);
});

test("cli: every command's --help has an example", () => {
  for (const c of ["validate", "compile", "check", "list", "explain", "diff", "try"]) {
    const r = runCli([c, "--help"]);
    assert.equal(r.code, 0, c);
    assert.match(r.stdout, /Examples?( \(\w+\))?:/, c);
  }
});

test("cli: usage errors exit 2", () => {
  assert.equal(runCli(["frobnicate"]).code, 2);
  assert.equal(runCli(["validate", "--no-such-flag"]).code, 2);
  assert.equal(runCli(["validate", "--format", "xml"]).code, 2);
  const r = runCli(["list", "--platform", "(", "--root", writeTree()]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--platform: invalid regular expression/);
});

test("cli: validate a valid tree: exit 0, nothing on stdout", () => {
  const r = runCli(["validate", "--root", writeTree()]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /valid/);
});

test("cli: validate an invalid tree: file:line:col, code, source line with a caret, exit 1, no stack", () => {
  const r = runCli(["validate", "--root", writeTree(BAD)]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(
    r.stderr,
    /^configs\/suites\/plain\.yml:4:1: error JD011: unknown key "chunk" in the suite file \(did you mean "chunks"\?\)$/m,
  );
  assert.match(r.stderr, /^ {5}4 \| chunk: 2\n {7}\| \^$/m);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/);
  assert.match(r.stderr, /1 error, 0 warnings/);
});

test("cli: --format json and --format github", () => {
  const root = writeTree(BAD);
  const json = runCli(["validate", "--root", root, "--format", "json"]);
  assert.equal(json.code, 1);
  const list = JSON.parse(json.stderr);
  assert.deepEqual(
    list.map((d: Record<string, unknown>) => [d.file, d.line, d.column, d.severity, d.code]),
    [["configs/suites/plain.yml", 4, 1, "error", "JD011"]],
  );
  const gh = runCli(["validate", "--root", root, "--format", "github"]);
  assert.equal(gh.code, 1);
  assert.match(gh.stderr, /^::error file=configs\/suites\/plain\.yml,line=4,col=1,title=JD011::unknown key "chunk"/m);
});

test("cli: validate --format json: one JSON array on stderr, even when empty; nothing on stdout", () => {
  const r = runCli(["validate", "--root", writeTree(), "--format", "json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.deepEqual(JSON.parse(r.stderr), []);
});

test("cli: a missing configs directory is a diagnostic", () => {
  const r = runCli(["validate", "--root", "/nonexistent-jobdef-root"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /JD009/);
});

test("cli: list and list --json", () => {
  const root = writeTree();
  const text = runCli(["list", "--root", root]);
  assert.equal(text.code, 0, text.stderr);
  assert.deepEqual(text.stdout.trim().split("\n"), [
    "test-linux64/opt-plain-1",
    "test-linux64/opt-plain-2",
    "test-linux64/debug-plain-1",
    "test-linux64/debug-plain-2",
    "test-win32/opt-plain-1",
    "test-win32/opt-plain-2",
  ]);
  const json = JSON.parse(runCli(["list", "--root", root, "--json", "--platform", "^win", "--suite", "plain"]).stdout);
  assert.deepEqual(json[0], {
    label: "test-win32/opt-plain-1",
    branch: "central",
    platform: "win32",
    build_type: "opt",
    suite: "plain",
    chunk: 1,
    chunks: 2,
    scheduler: "both",
  });
});

test("cli: explain shows provenance and what was overridden; --set is the command-line layer", () => {
  const root = writeTree();
  const r = runCli(["explain", "test-linux64/debug-plain-2", "--root", root]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^chunks: 2 {2}# configs\/suites\/plain\.yml:4 \(suite\), overrode 1 from configs\/defaults\.yml:5 \(defaults\)$/m,
  );
  assert.match(r.stdout, /^ {4}- --base {2}# configs\/defaults\.yml:10 \(defaults\)$/m);
  const set = runCli([
    "explain",
    "test-linux64/debug-plain-2",
    "chunks",
    "--root",
    root,
    "--set",
    "chunks=3",
    "--json",
  ]);
  const data = JSON.parse(set.stdout);
  assert.equal(data.value, 3);
  assert.equal(data.provenance.chunks.layer, "command-line");
  assert.equal(data.provenance.chunks.overrode.file, "configs/suites/plain.yml");
});

test("cli: explain an unknown label suggests the nearest three", () => {
  const r = runCli(["explain", "test-linux64/debug-plain-7", "--root", writeTree()]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /JD061: no job test-linux64\/debug-plain-7 on branch central; did you mean test-linux64\/debug-plain-1, test-linux64\/debug-plain-2, test-linux64\/opt-plain-1/,
  );
});

test("cli: an output directory the file system refuses is a diagnostic, not an internal error", () => {
  const root = writeTree({ "not-a-directory": "a file\n" });
  const below = `${root}/not-a-directory/generated`;
  const r = runCli(["compile", "--root", root, "--out", below]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /error JD063: cannot use .*ENOTDIR/);
  const json = runCli(["compile", "--root", root, "--out", below, "--format", "json"]);
  assert.equal(JSON.parse(json.stderr)[0].code, "JD063");
  const check = runCli(["check", "--root", root, "--out", below]);
  assert.equal(check.code, 1, check.stderr);
  assert.match(check.stdout, /^missing /m);
  for (const x of [r, json, check]) assert.doesNotMatch(x.stderr, /internal error/);
});

test("cli: a manifest left broken by a merge conflict: compile says what to do, check lists it as stale", () => {
  const root = writeTree();
  assert.equal(runCli(["compile", "--root", root]).code, 0);
  writeFileSync(join(root, "generated", "manifest.json"), "<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> other\n");
  const compile = runCli(["compile", "--root", root]);
  assert.equal(compile.code, 1, compile.stderr);
  assert.match(compile.stderr, /error JD063: cannot use .*manifest\.json: not JSON .*delete it and run jobdef compile/);
  const check = runCli(["check", "--root", root]);
  assert.equal(check.code, 1, check.stderr);
  assert.match(check.stdout, /^stale +.*manifest\.json$/m);
  for (const x of [compile, check]) assert.doesNotMatch(x.stderr, /internal error/);
});

test("cli: bin/jobdef runs the compiled CLI alone: nothing but diagnostics on stderr, no V8 flag or cache", () => {
  const bin = readFileSync(join(import.meta.dirname, "..", "bin", "jobdef"), "utf8");
  assert.doesNotMatch(bin, /setFlagsFromString|cachedData|\.cjs/);
  const r = runCli(["validate", "--format", "json", "--root", writeTree({})]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stderr || "[]"), []);
});
