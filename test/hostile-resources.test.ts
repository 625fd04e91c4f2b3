/**
 * Issue 20, class 8: the audit's resource cases, scaled down so that they cost seconds, with their linearity asserted
 * by structure rather than by timing: a large `env` is merged once per layer stack and shared by the jobs on it, the
 * emitters copy and sort it once, and a loaded file keeps no parsed document. The full-size cases (20,000 suite
 * files, 100,000 env keys) are measured by bench/hostile-resources.ts; here they only run under a deadline, so a hang
 * or a quadratic blow-up fails instead of stalling the suite.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { isDocument } from "yaml";
import { expandJobs, loadValidTree } from "../src/compile.js";
import { canonical } from "../src/emit/serialize.js";
import { definedEntries } from "../src/values.js";
import { BASE } from "./corpus/make-tree.js";
import { jobdefWithDeadline } from "./helpers/deadline.js";

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function treeWith(make: (root: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), "jobdef-hostile-resources-"));
  roots.push(root);
  cpSync(join(BASE, "configs"), join(root, "configs"), { recursive: true });
  make(root);
  return root;
}

/** The bench's busy suite, with `keys` env keys. */
function busySuite(keys: number): string {
  return treeWith((root) => {
    const env = Array.from({ length: keys }, (_, i) => `  K${i}: value-${i}\n`).join("");
    writeFileSync(
      join(root, "configs/suites/busy.yml"),
      `description: busy\nharness: mochitest\ntreeherder: {symbol: B}\nenv:\n${env}`,
    );
  });
}

/** The bench's tree of many suite files, with `files` of them. */
function manySuites(files: number): string {
  return treeWith((root) => {
    for (let i = 0; i < files; i++)
      writeFileSync(
        join(root, `configs/suites/s${i}.yml`),
        `description: suite ${i}\nharness: mochitest\ntreeherder: {symbol: S${i}}\nrun-on: {platforms: [linux64], build-types: [opt]}\n`,
      );
  });
}

describe("the audit's resource cases, scaled down, run before a deadline", () => {
  // each through the command its full size was slowest in: the busy suite's output, the many files' checks of every job
  test("compile: a suite with 10,000 env keys", () => {
    const c = jobdefWithDeadline(["compile", "--root", busySuite(10_000), "--no-cache", "-q"]);
    assert.equal(c.status, 0, JSON.stringify(c.diagnostics.slice(0, 3)));
  });
  test("validate: 1,000 suite files", () => {
    const v = jobdefWithDeadline(["validate", "--root", manySuites(1_000), "--no-cache"]);
    assert.equal(v.status, 0, JSON.stringify(v.diagnostics.slice(0, 3)));
  });
});

describe("linear by structure", () => {
  test("a suite's large env is merged once per platform, and every job on it shares that one mapping", () => {
    const tree = loadValidTree(busySuite(1_000));
    assert.ok(tree.ok);
    const branches = expandJobs(tree.value, { branches: [...tree.value.branches.keys()] });
    assert.ok(branches.ok);
    const busy = branches.value.flatMap((b) => b.jobs).filter((j) => j.suite === "busy");
    const envs = new Set(busy.map((j) => j.spec.env));
    const platforms = new Set(busy.map((j) => j.platform));
    assert.ok(busy.length > platforms.size, `${busy.length} jobs on ${platforms.size} platforms`);
    assert.ok(envs.size <= platforms.size, `${envs.size} env mappings for ${busy.length} jobs`);
    assert.equal(Object.keys([...envs][0] ?? {}).length, 1_000);
  });

  test("the emitters copy and sort a large mapping once, however many jobs share it", () => {
    const env = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`K${i}`, `v${i}`]));
    const copy = definedEntries(env);
    assert.equal(definedEntries(env), copy, "a second copy of the same large mapping");
    assert.notEqual(definedEntries(env, {}), copy, "a copy to change is always new");
    const sorted = canonical(copy);
    assert.notEqual(sorted, copy, "K10 sorts before K2: a sorted copy");
    assert.equal(canonical(copy), sorted, "a second sort of the same large mapping");
    assert.deepEqual(Object.keys(sorted as object).slice(0, 3), ["K0", "K1", "K10"]);
  });

  test("a loaded file keeps its text and value, not yaml's parsed document", () => {
    const tree = loadValidTree(manySuites(3));
    assert.ok(tree.ok);
    for (const suite of [...tree.value.suites.values()].filter((s) => s.name.startsWith("s"))) {
      const held = Object.values(suite.file as object);
      assert.ok(!held.some((v) => isDocument(v)), `${suite.file.path} holds a parsed document`);
      // positions still work: the document is parsed again from the same text
      assert.deepEqual(suite.file.positionOf(["treeherder", "symbol"]), {
        file: suite.file.path,
        line: 3,
        column: 22,
      });
    }
  });
});
