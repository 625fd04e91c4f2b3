/**
 * `validate` raises every error `compile` can raise for a tree. Each bad case of the corpus (test/corpus/: one tree
 * per diagnostic code, the emitters' JD042, JD044 and JD045 among them) goes through both, in process: `validate`
 * (load, rules, every job of every branch, every target's checks) and `compile` of every branch to every target.
 * Every code compile reports, validate reports too; and the CLI's `validate` exits 1 on the emitters' conflicts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { describe, test } from "node:test";
import { checkAllJobs, compile, loadValidTree } from "../src/compile.js";
import { CODES, type Diagnostic, type Result } from "../src/diagnostics.js";
import { LIMITS } from "../src/limits.js";
import type { TargetName } from "../src/model.js";
import { type Case, listCases, makeTree } from "./corpus/make-tree.js";
import { BIN, runCli, writeTree } from "./helpers/tree.js";

const TARGETS: TargetName[] = ["mozharness", "mach", "buildbot", "taskcluster"];
const cases = listCases().filter((c) => c.category !== "accepted");

function codesOf(r: Result<unknown>): Set<string> {
  const list: readonly Diagnostic[] = r.ok ? r.warnings : r.diagnostics;
  return new Set(list.filter((d) => d.severity === "error").map((d) => d.code));
}

function validateCodes(root: string): Set<string> {
  const loaded = loadValidTree(root);
  return loaded.ok ? codesOf(checkAllJobs(loaded.value)) : codesOf(loaded);
}

function compileCodes(root: string): Set<string> {
  return codesOf(compile({ root, branches: "all", targets: TARGETS }));
}

function withTree<T>(c: Case, use: (root: string) => T): T {
  const { tmp, root } = makeTree(c);
  try {
    return use(root);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe("validate raises every error compile raises, case by case", () => {
  for (const c of cases) {
    test(`${c.category}/${c.name}: ${c.expected.code}`, () =>
      withTree(c, (root) => {
        const compiled = compileCodes(root);
        const validated = validateCodes(root);
        assert.ok(compiled.has(c.expected.code!), `compile does not report ${c.expected.code}: ${[...compiled]}`);
        for (const code of compiled) assert.ok(validated.has(code), `compile reports ${code}, validate does not`);
      }));
  }
});

test("JD043 (too many jobs in a branch) from both, with the limit lowered in this process", () => {
  const c = cases.find((x) => x.name === "mozharness-suite-conflict")!;
  const limits = LIMITS as { jobsPerBranch: number };
  const saved = limits.jobsPerBranch;
  limits.jobsPerBranch = 3;
  try {
    withTree(c, (root) => {
      assert.ok(compileCodes(root).has("JD043"));
      assert.ok(validateCodes(root).has("JD043"));
    });
  } finally {
    limits.jobsPerBranch = saved;
  }
});

test("JD043 for too many suite, platform and build type combinations, before any is merged, from both", () => {
  const c = cases.find((x) => x.name === "keyed-by-no-match")!;
  const limits = LIMITS as { combinationsPerBranch: number };
  const saved = limits.combinationsPerBranch;
  limits.combinationsPerBranch = 3;
  try {
    withTree(c, (root) => {
      const compiled = compile({ root, branches: "all", targets: TARGETS });
      assert.ok(!compiled.ok);
      const d = compiled.diagnostics.find((x) => x.code === "JD043");
      assert.match(d?.message ?? "", /combinations of suite, platform and build type to consider; the limit is 3$/);
      // refused before merging: the keyed-by value without an arm (JD030, found by the merge) is never reached
      assert.ok(!codesOf(compiled).has("JD030"));
      assert.ok(validateCodes(root).has("JD043"));
    });
  } finally {
    limits.combinationsPerBranch = saved;
  }
});

test("the corpus has a tree for every code a tree can make compile fail with", () => {
  // JD043 is the test above; JD047 is a warning of validate (test/siblings.test.ts); JD068 is the size of what compile
  // writes, which validate does not render (test/resource-limits.test.ts); the others are about the command line, not
  // the tree (--set, try, revisions, output, import)
  const notTree = new Set(["JD043", "JD047", "JD050", "JD060", "JD061", "JD062", "JD063", "JD064", "JD065", "JD068"]);
  const covered = new Set(cases.map((c) => c.expected.code));
  const missing = Object.keys(CODES).filter((code) => !notTree.has(code) && !covered.has(code));
  assert.deepEqual(missing, []);
});

test("the CLI: validate exits 1 on the emitters' conflicts, as compile does", () => {
  for (const name of ["mozharness-suite-conflict", "mach-build-type-conflict", "buildbot-builder-clash"]) {
    const c = cases.find((x) => x.name === name)!;
    withTree(c, (root) => {
      const v = spawnSync(BIN, ["validate", "--root", root, "--format", "json"], { encoding: "utf8" });
      assert.equal(v.status, 1, v.stderr);
      const codes: string[] = (JSON.parse(v.stderr) as Diagnostic[]).map((d) => d.code);
      assert.ok(codes.includes(c.expected.code!), `${name}: ${codes}`);
    });
  }
});

describe("validate --strict and --max-warnings", () => {
  // two exclude-suites patterns that match no suite: two JD022 warnings
  const root = writeTree({
    "configs/branches/central.yml":
      "description: trunk\nrepository: https://hg.mozilla.org/mozilla-central\nplatforms: ['.*']\nexclude-suites: [gone, 'old-.*']\n",
  });
  const run = (...flags: string[]) => runCli(["validate", "--root", root, ...flags]);

  test("warnings alone exit 0, and are printed", () => {
    const r = run();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning JD022/);
    assert.match(r.stderr, /valid/);
  });
  test("--strict: any warning exits 1", () => {
    const r = run("--strict");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /2 warnings and --strict: warnings are errors/);
    assert.equal(runCli(["validate", "--root", writeTree(), "--strict"]).code, 0);
  });
  test("--max-warnings N: more than N exits 1, N or fewer exit 0", () => {
    assert.equal(run("--max-warnings", "2").code, 0);
    const r = run("--max-warnings", "1");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /2 warnings, more than --max-warnings 1/);
    const json = run("--max-warnings", "1", "--format", "json");
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.stderr) as Diagnostic[]).length, 2, "stderr is the one JSON array");
    const bad = run("--max-warnings", "many");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /whole number/);
  });
});
