/**
 * `check` and a no-op `compile` without compiling: the manifest records what the output was compiled from, and a run
 * that finds the same inputs and the same output files proves the directory current from hashes. Whenever it cannot
 * (an input, an output, the cache or jobdef's code changed), it compiles, and the answer is the cold one.
 */
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { writeOutputRecord } from "../src/cache/output-record.js";
import { writeRecord } from "../src/cache/store.js";
import { parseManifest } from "../src/manifest.js";
import { runCli, writeTree } from "./helpers/tree.js";

const PROVEN_CHECK = /is up to date \(\d+ files\): its manifest's input and output hashes prove it, nothing compiled/;
const COLD_CHECK = /is up to date \(\d+ files\)\n$/;
const PROVEN_COMPILE = /0 written, \d+ unchanged, 0 removed; up to date \(inputs unchanged\)/;

function compiled(): string {
  const root = writeTree();
  const r = runCli(["compile", "--root", root, "--quiet"], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  return root;
}

function check(root: string, ...args: string[]) {
  return runCli(["check", "--root", root, ...args], { cwd: root });
}

function manifestOf(root: string) {
  return parseManifest(readFileSync(join(root, "generated", "manifest.json"), "utf8"));
}

test("the manifest records jobdef's version and the hash of every input file", () => {
  const root = compiled();
  const source = manifestOf(root).source;
  assert.ok(source, "a whole compile records its source");
  assert.match(source.jobdef, /^\d+\.\d+\.\d+/);
  assert.deepEqual(Object.keys(source.inputs), [
    "configs/branches/central.yml",
    "configs/defaults.yml",
    "configs/harnesses/mochitest.yml",
    "configs/platforms/linux64.yml",
    "configs/platforms/win32.yml",
    "configs/suites/plain.yml",
  ]);
  assert.ok(Object.values(source.inputs).every((h) => /^[0-9a-f]{64}$/.test(h)));
  rmSync(root, { recursive: true, force: true });
});

test("check of an unchanged tree is proven from hashes; --no-cache compiles", () => {
  const root = compiled();
  const proven = check(root);
  assert.equal(proven.code, 0, proven.stderr);
  assert.match(proven.stderr, PROVEN_CHECK);
  const cold = check(root, "--no-cache");
  assert.equal(cold.code, 0, cold.stderr);
  assert.match(cold.stderr, COLD_CHECK);
  rmSync(root, { recursive: true, force: true });
});

test("check on a fresh clone (no cache) is proven too: jobdef's version vouches for the code", () => {
  const root = compiled();
  rmSync(join(root, ".jobdef-cache"), { recursive: true });
  const r = check(root);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, PROVEN_CHECK);
  rmSync(root, { recursive: true, force: true });
});

test("an edited input, even only a comment, falls back to a full check: the manifest is stale", () => {
  const root = compiled();
  appendFileSync(join(root, "configs/suites/plain.yml"), "# a comment\n");
  const r = check(root);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^stale {3}generated\/manifest\.json$/m);
  assert.doesNotMatch(r.stdout, /^stale {3}generated\/(?!manifest)/m, "only the manifest: the output is the same");
  rmSync(root, { recursive: true, force: true });
});

test("an added suite file falls back to a full check", () => {
  const root = compiled();
  writeFileSync(
    join(root, "configs/suites/plain2.yml"),
    readFileSync(join(root, "configs/suites/plain.yml"), "utf8").replace("M()", "M2()"),
  );
  const r = check(root);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^stale {3}generated\/taskcluster\/central\.json$/m);
  rmSync(root, { recursive: true, force: true });
});

test("an output file edited keeping its size, or an extra file, is found", () => {
  const root = compiled();
  const dir = join(root, "generated");
  const victim = "taskcluster/central.json";
  const text = readFileSync(join(dir, victim), "utf8");
  writeFileSync(join(dir, victim), text.replace('"central"', '"centrxl"'));
  const edited = check(root);
  assert.equal(edited.code, 1);
  assert.match(edited.stdout, /^stale {3}generated\/taskcluster\/central\.json$/m);
  writeFileSync(join(dir, victim), text);
  writeFileSync(join(dir, "mach", "stray.json"), "{}\n");
  const extra = check(root);
  assert.equal(extra.code, 1);
  assert.match(extra.stdout, /^extra {3}generated\/mach\/stray\.json$/m);
  rmSync(root, { recursive: true, force: true });
});

test("an input is read only when its stat changed: the record's hash stands for the stat it saw", () => {
  const root = compiled();
  const cache = join(root, ".jobdef-cache");
  const [name] = readdirSync(cache).filter((f) => f.startsWith("inputs-"));
  assert.ok(name, "a whole compile records the inputs' stats");
  assert.match(check(root).stderr, PROVEN_CHECK);
  const record = JSON.parse(readFileSync(join(cache, name), "utf8").split("\n")[1]);
  const suite = "configs/suites/plain.yml";
  assert.ok(record.files[suite], "an input last changed before the proof is recorded");
  // a hash the record gives for an unchanged stat is taken as it is: a wrong one makes the proof fail
  record.files[suite][4] = "0".repeat(64);
  writeRecord(cache, name, record);
  const lied = check(root);
  assert.equal(lied.code, 0, lied.stderr);
  assert.match(lied.stderr, COLD_CHECK, "not proven: the record's hash differs from the manifest's");
  // an edit keeping the size changes the stat: the file is read again
  const text = readFileSync(join(root, suite), "utf8");
  writeFileSync(join(root, suite), text.replace("chunks: 2", "chunks: 3"));
  const edited = check(root);
  assert.equal(edited.code, 1, edited.stderr);
  assert.match(edited.stdout, /^stale {3}generated\/manifest\.json$/m);
  rmSync(root, { recursive: true, force: true });
});

test("a no-op compile writes nothing; after an edit it compiles", () => {
  const root = compiled();
  const noop = runCli(["compile", "--root", root], { cwd: root });
  assert.equal(noop.code, 0, noop.stderr);
  assert.match(noop.stderr, PROVEN_COMPILE);
  writeFileSync(
    join(root, "configs/suites/plain.yml"),
    readFileSync(join(root, "configs/suites/plain.yml"), "utf8").replace("chunks: 2", "chunks: 3"),
  );
  const edited = runCli(["compile", "--root", root], { cwd: root });
  assert.equal(edited.code, 0, edited.stderr);
  assert.match(edited.stderr, /[1-9]\d* written/);
  assert.match(check(root).stderr, PROVEN_CHECK);
  assert.match(check(root, "--no-cache").stderr, COLD_CHECK);
  rmSync(root, { recursive: true, force: true });
});

test("a dead compile's lock or stage in the output is never proven over: compile and check clean it, then proofs resume", () => {
  const root = compiled();
  const out = join(root, "generated");
  const traces = () => readdirSync(out).filter((n) => n.startsWith(".jobdef-"));
  const plantTraces = () => {
    // pid 2^31-1 is above any kernel's pid_max: its owner is certainly dead
    writeFileSync(join(out, ".jobdef-lock"), "2147483647\n");
    mkdirSync(join(out, ".jobdef-tmp-2147483647-left"));
    writeFileSync(join(out, ".jobdef-tmp-2147483647-left", "half.json"), "{");
  };
  plantTraces();
  const recompile = runCli(["compile", "--root", root], { cwd: root });
  assert.equal(recompile.code, 0, recompile.stderr);
  assert.match(recompile.stderr, /; jobs: /, "compiled, not proven");
  assert.deepEqual(traces(), [], "the compile broke the dead lock and removed the stage");
  plantTraces();
  const c = check(root);
  assert.equal(c.code, 0, c.stderr);
  assert.doesNotMatch(c.stderr, PROVEN_CHECK);
  assert.match(c.stderr, /finished an interrupted compile first/);
  assert.deepEqual(traces(), []);
  assert.match(runCli(["compile", "--root", root], { cwd: root }).stderr, PROVEN_COMPILE);
  assert.match(check(root).stderr, PROVEN_CHECK);
  rmSync(root, { recursive: true, force: true });
});

test("a partial compile records no source; check then compiles", () => {
  const root = compiled();
  const r = runCli(["compile", "--root", root, "--quiet", "--target", "mach", "--out", "generated"], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(manifestOf(root).source, undefined);
  const c = check(root);
  assert.equal(c.code, 1, "the manifest differs from a whole compile's");
  assert.match(c.stdout, /^stale {3}generated\/manifest\.json$/m);
  rmSync(root, { recursive: true, force: true });
});

test("a corrupt or truncated cache record is ignored with a note, and the run is cold", () => {
  const root = compiled();
  const cache = join(root, ".jobdef-cache");
  const records = readdirSync(cache).filter((f) => f.startsWith("outputs-"));
  assert.equal(records.length, 1);
  const path = join(cache, records[0]);
  writeFileSync(path, readFileSync(path, "utf8").slice(0, 100));
  const r = runCli(["compile", "--root", root], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: ignored the cache record .*checksum does not match/);
  assert.match(r.stderr, /jobs: central \d+/, "compiled, not skipped");
  writeFileSync(path, "garbage");
  const c = check(root);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stderr, /note: ignored the cache record .*not a record of this jobdef's cache format/);
  rmSync(root, { recursive: true, force: true });
});

test("a record from other jobdef code makes a compile compile; a lying record cannot hide an edited output", () => {
  const root = compiled();
  const dir = join(root, "generated");
  const files = manifestOf(root).files;
  writeOutputRecord(join(root, ".jobdef-cache"), dir, "0.0.0+other", "x", files);
  const r = runCli(["compile", "--root", root], { cwd: root });
  assert.match(r.stderr, /jobs: central \d+/, "compiled, not skipped");
  // A record claims hashes only for the stat it saw: an edited file has another stat and is read.
  writeFileSync(join(dir, "mach/central/linux64.json"), "{}\n");
  const c = check(root);
  assert.equal(c.code, 1);
  assert.match(c.stdout, /^stale {3}generated\/mach\/central\/linux64\.json$/m);
  rmSync(root, { recursive: true, force: true });
});

test("--cache-dir and JOBDEF_CACHE_DIR move the cache", () => {
  const root = writeTree();
  const elsewhere = join(root, "elsewhere");
  assert.equal(runCli(["compile", "--root", root, "--quiet", "--cache-dir", elsewhere], { cwd: root }).code, 0);
  assert.ok(readdirSync(elsewhere).some((f) => f.startsWith("outputs-")));
  const env = { JOBDEF_CACHE_DIR: join(root, "env-cache") };
  assert.match(runCli(["compile", "--root", root], { cwd: root, env }).stderr, /jobs: central \d+/);
  assert.match(runCli(["compile", "--root", root], { cwd: root, env }).stderr, PROVEN_COMPILE);
  assert.equal(readFileSync(join(root, "env-cache", ".gitignore"), "utf8").split("\n")[1], "*");
  rmSync(root, { recursive: true, force: true });
});

test("the checked-in generated/ is what this jobdef writes, compiled cold (the shortcut trusts the version)", () => {
  const r = runCli(["check", "--no-cache"]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}\nrun bin/jobdef compile --no-cache and commit generated/`);
});
