/**
 * Patterns from a try push match in linear time (src/names.ts, RE2JS): patterns that make a backtracking engine run
 * for minutes (`(a+)+` against `aaa…ab`) finish before a deadline in every place a pattern goes, and the syntax a
 * linear engine cannot run (backreferences, lookaround) is JD021 at the pattern. Matching agrees with JavaScript's.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { fullMatch, patternProblem } from "../src/names.js";
import { BASE } from "./corpus/make-tree.js";
import { jobdefWithDeadline } from "./helpers/deadline.js";

/** A name on which `(a+)+` backtracks 2^29 times in a backtracking engine. */
const VICTIM = `${"a".repeat(29)}b`;

function hostileTree(): string {
  const root = mkdtempSync(join(tmpdir(), "jobdef-regex-"));
  const configs = join(root, "configs");
  cpSync(join(BASE, "configs"), configs, { recursive: true });
  const read = (path: string) => readFileSync(join(configs, path), "utf8");
  writeFileSync(
    join(configs, `platforms/${VICTIM}.yml`),
    read("platforms/linux64.yml").replace("machine: linux64", `machine: ${VICTIM}`),
  );
  writeFileSync(join(configs, `suites/${VICTIM}.yml`), read("suites/mochitest-plain.yml").replace("M()", "M(v)"));
  // run-on, a keyed-by arm, a branch's platforms and its excluded suites: each pattern tried on the victim names
  writeFileSync(
    join(configs, "suites/lint.yml"),
    read("suites/lint.yml").replace("platforms: [linux64]", 'platforms: ["(a+)+|linux64"]'),
  );
  writeFileSync(
    join(configs, "suites/mochitest-plain.yml"),
    read("suites/mochitest-plain.yml").replace("    debug: 3", '    "(a|aa)+|debug": 3'),
  );
  writeFileSync(
    join(configs, "branches/central.yml"),
    `${read("branches/central.yml").replace('platforms: [".*"]', 'platforms: ["(a+)+|.*"]')}exclude-suites: ["(a+)+c"]\n`,
  );
  writeFileSync(
    join(configs, "suites/mochitest-plain.yml"),
    `${read("suites/mochitest-plain.yml")}run-on:\n  platforms: ["(a+)+|.*"]\n`,
  );
  return root;
}

test("regex: catastrophic patterns in run-on, keyed-by arms and a branch's selectors finish before a deadline", () => {
  const root = hostileTree();
  try {
    const validate = jobdefWithDeadline(["validate", "--root", root]);
    assert.equal(validate.status, 0, JSON.stringify(validate.diagnostics));
    const compile = jobdefWithDeadline(["compile", "--root", root, "--out", join(root, "out"), "-q", "--no-cache"]);
    assert.equal(compile.status, 0, JSON.stringify(compile.diagnostics));
    const list = jobdefWithDeadline(["list", "--root", root, "--json"]);
    assert.ok(list.stdout.includes(`test-${VICTIM}/opt-${VICTIM}-1`), "the victim platform runs the victim suite");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("regex: backreferences and lookaround are JD021 (a linear engine cannot run them), other syntax errors too", () => {
  for (const p of ["(a)\\1", "(?=linux)linux64", "(?!win).*", "(?<=a)b", "(?<!a)b", "(?<n>a)\\k<n>"])
    assert.match(
      patternProblem(p) ?? "",
      /backreferences and lookaround are not supported, so that patterns match in linear time/,
      p,
    );
  for (const p of ["*", "(a", "a{2,1}", "(?i)linux"]) assert.ok(patternProblem(p), p);
  for (const p of ["linux(32|64)?", "win.*", "[a-z0-9._-]+", "a{2,3}", "\\d+", "(?:mac|win)osx?64"])
    assert.equal(patternProblem(p), undefined, p);
});

/** Patterns of the syntax both engines read: literals, classes, groups, alternation and quantifiers. */
const ATOM = fc.constantFrom("a", "b", "1", "-", "\\.", ".", "[ab]", "[^a]", "[a-z]", "\\d", "\\w", "x");
const PATTERN: fc.Arbitrary<string> = fc.letrec((tie) => ({
  p: fc.oneof(
    { depthSize: "small" },
    ATOM,
    fc.tuple(tie("p"), tie("p")).map(([x, y]) => `${x}${y}`),
    fc.tuple(tie("p"), tie("p")).map(([x, y]) => `${x}|${y}`),
    fc.tuple(tie("p"), fc.constantFrom("*", "+", "?", "{1,2}", "{2}")).map(([x, q]) => `(?:${x})${q}`),
    tie("p").map((x) => `(${x})`),
  ),
})).p;

test("regex property: full matches agree with JavaScript's on names", () => {
  fc.assert(
    fc.property(PATTERN, fc.stringMatching(/^[ab1x.-]{0,8}$/), (pattern, name) => {
      assert.equal(fullMatch(pattern).test(name), new RegExp(`^(?:${pattern})$`, "u").test(name), pattern);
    }),
    { numRuns: 3000 },
  );
});
