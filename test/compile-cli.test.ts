/** `jobdef compile`: deterministic bytes across runs, time zones and locales; manifest; slices; summary line. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { listFiles } from "../src/check.js";
import { parseManifest, sha256 } from "../src/manifest.js";
import { runCli, writeTree } from "./helpers/tree.js";

const BETA = {
  "configs/branches/beta.yml":
    "description: beta\nrepository: https://hg.mozilla.org/releases/mozilla-beta\nplatforms: [linux64]\n",
};

/** Every file of an output directory (types/ aside), path → bytes. */
function snapshot(dir: string): Map<string, string> {
  return new Map(
    listFiles(dir)
      .sort()
      .map((p) => [p, readFileSync(join(dir, p), "latin1")]),
  );
}

function compileInto(root: string, out: string, env: Record<string, string> = {}, extra: string[] = []) {
  const r = runCli(["compile", "--root", root, "--out", out, ...extra], { cwd: root, env });
  assert.equal(r.code, 0, r.stderr);
  return r;
}

test("two compiles, and compiles under different TZ and LANG/LC_ALL, produce identical bytes", () => {
  const root = writeTree(BETA);
  const envs: Record<string, string>[] = [
    {},
    { TZ: "Pacific/Kiritimati", LANG: "tr_TR.UTF-8", LC_ALL: "tr_TR.UTF-8" },
    { TZ: "UTC", LANG: "C", LC_ALL: "C" },
  ];
  const outs = envs.map((env, i) => {
    compileInto(root, join(root, `out-${i}`), env, ["--branch", "central", "--branch", "beta"]);
    return snapshot(join(root, `out-${i}`));
  });
  compileInto(root, join(root, "out-again"), {}, ["--branch", "central", "--branch", "beta"]);
  assert.ok(outs[0].size > 1, "the fixture compiles to files besides the manifest");
  for (const other of [...outs.slice(1), snapshot(join(root, "out-again"))]) assert.deepEqual(other, outs[0]);
  rmSync(root, { recursive: true, force: true });
});

test("the manifest lists every file with its sha256, sorted, with what it covers and no timestamps", () => {
  const root = writeTree();
  const r = compileInto(root, join(root, "generated"));
  const dir = join(root, "generated");
  const text = readFileSync(join(dir, "manifest.json"), "utf8");
  const m = parseManifest(text);
  assert.deepEqual(m.covers, { central: ["buildbot", "mach", "mozharness", "taskcluster"] });
  assert.deepEqual(Object.keys(m.files), [...Object.keys(m.files)].sort());
  assert.deepEqual([...Object.keys(m.files), "manifest.json"].sort(), listFiles(dir).sort());
  for (const [p, h] of Object.entries(m.files)) assert.equal(sha256(readFileSync(join(dir, p))), h);
  assert.doesNotMatch(text, /20\d\d-\d\d-\d\d/);
  assert.match(
    r.stderr,
    /^jobdef compile: generated\/: \d+ written, 0 unchanged, 0 removed; jobs: central 6; [\d.]+ s\n$/,
  );
  const again = runCli(["compile", "--root", root], { cwd: root });
  assert.match(again.stderr, /: 0 written, \d+ unchanged, 0 removed;/);
  rmSync(root, { recursive: true, force: true });
});

test("--quiet prints nothing, --verbose lists files, both together is a usage error", () => {
  const root = writeTree();
  const quiet = runCli(["compile", "--root", root, "--quiet"], { cwd: root });
  assert.deepEqual([quiet.code, quiet.stdout, quiet.stderr], [0, "", ""]);
  const verbose = runCli(["compile", "--root", root, "--verbose"], { cwd: root });
  assert.match(verbose.stderr, /^ {2}unchanged {2}taskcluster\/central\.json$/m);
  assert.equal(runCli(["compile", "--root", root, "-q", "-v"], { cwd: root }).code, 2);
  assert.equal(runCli(["compile", "--root", root, "--target", "nope"], { cwd: root }).code, 2);
  rmSync(root, { recursive: true, force: true });
});

test("files nothing produces any more are removed; types/ and unlisted files are never touched", () => {
  const root = writeTree();
  const dir = join(root, "generated");
  mkdirSync(join(dir, "types"), { recursive: true });
  writeFileSync(join(dir, "types", "index.ts"), "// generated from schemas\n");
  writeFileSync(join(dir, "NOTES"), "mine\n");
  compileInto(root, dir);
  const before = Object.keys(parseManifest(readFileSync(join(dir, "manifest.json"), "utf8")).files);
  rmSync(join(root, "configs/platforms/win32.yml"));
  const r = compileInto(root, dir);
  const afterFiles = Object.keys(parseManifest(readFileSync(join(dir, "manifest.json"), "utf8")).files);
  const gone = before.filter((p) => !afterFiles.includes(p));
  assert.ok(gone.length > 0 && gone.every((p) => p.includes("win32") || !existsSync(join(dir, p))));
  for (const p of gone.filter((p) => p.includes("win32")))
    assert.equal(existsSync(join(dir, p)), false, `${p} removed`);
  assert.match(r.stderr, new RegExp(`, ${gone.length} removed;`));
  assert.equal(readFileSync(join(dir, "types", "index.ts"), "utf8"), "// generated from schemas\n");
  assert.equal(readFileSync(join(dir, "NOTES"), "utf8"), "mine\n");
  rmSync(root, { recursive: true, force: true });
});

test("--branch/--target rewrite only their slice; the rest and the manifest stay consistent", () => {
  const root = writeTree(BETA);
  const dir = join(root, "generated");
  compileInto(root, dir);
  const central = snapshot(dir);
  compileInto(root, dir, {}, ["--branch", "beta", "--target", "mach"]);
  const m = parseManifest(readFileSync(join(dir, "manifest.json"), "utf8"));
  assert.deepEqual(m.covers.beta, ["mach"]);
  const beta = Object.keys(m.files).filter((p) => !central.has(p));
  assert.ok(beta.length > 0 && beta.every((p) => p.startsWith("mach/beta/")), beta.join(" "));
  for (const [p, bytes] of central)
    if (p !== "manifest.json") assert.equal(readFileSync(join(dir, p), "latin1"), bytes, `${p} unchanged`);
  // Dropping the platform beta runs on removes beta's mach files only in a beta/mach compile...
  writeFileSync(
    join(root, "configs/branches/beta.yml"),
    BETA["configs/branches/beta.yml"].replace("[linux64]", "[win32]"),
  );
  compileInto(root, dir, {}, ["--branch", "beta", "--target", "mach"]);
  const m2 = parseManifest(readFileSync(join(dir, "manifest.json"), "utf8"));
  assert.deepEqual(
    Object.keys(m2.files).filter((p) => p.startsWith("mach/beta/")),
    ["mach/beta/win32.json"],
  );
  assert.equal(existsSync(join(dir, "mach/beta/linux64.json")), false);
  // ...and a full compile writes exactly what the tree checks in, so `check` passes.
  compileInto(root, dir);
  assert.equal(existsSync(join(dir, "mach/beta")), false);
  assert.equal(runCli(["check", "--root", root], { cwd: root }).code, 0);
  rmSync(root, { recursive: true, force: true });
});

test("--set layers reach the output; a bad --set is a diagnostic and writes nothing", () => {
  const root = writeTree();
  const dir = join(root, "generated");
  compileInto(root, dir);
  const before = snapshot(dir);
  const bad = runCli(["compile", "--root", root, "--set", "no-equals-sign", "--out", dir], { cwd: root });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /JD050/);
  assert.deepEqual(snapshot(dir), before);
  compileInto(root, dir, {}, ["--set", "max-run-time=7200"]);
  assert.notDeepEqual(snapshot(dir), before);
  rmSync(root, { recursive: true, force: true });
});

test("--branch, --target or --set without --out: a usage error, and the checked-in directory is untouched", () => {
  const root = writeTree(BETA);
  assert.equal(runCli(["compile", "--root", root, "-q"], { cwd: root }).code, 0);
  const before = snapshot(join(root, "generated"));
  for (const extra of [
    ["--branch", "beta"],
    ["--target", "mach"],
    ["--set", "max-run-time=7200"],
  ]) {
    const r = runCli(["compile", "--root", root, ...extra], { cwd: root });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`^jobdef: ${extra.join(" ")} compiles part of the output or changes it.*--out DIR`),
    );
    assert.deepEqual(snapshot(join(root, "generated")), before);
  }
  const out = join(root, "elsewhere");
  compileInto(root, out, {}, ["--branch", "beta"]);
  assert.ok(existsSync(join(out, "taskcluster", "beta.json")));
  assert.deepEqual(snapshot(join(root, "generated")), before);
  rmSync(root, { recursive: true, force: true });
});
