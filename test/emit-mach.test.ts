import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import { compile } from "../src/compile.js";
import { escapeRegex, oneToN, taskRegex } from "../src/emit/task-regex.js";
import { checkGolden, FIXTURE } from "./fixtures/golden-harness/golden.js";
import { REPO, writeTree } from "./helpers/tree.js";
import { PythonChecker } from "./python/python-checker.js";

const python = new PythonChecker();
after(() => python.close());

test("mach output of the golden fixture equals expected/ (npm run golden rewrites)", () => {
  checkGolden("mach");
});

test("oneToN matches exactly the numbers 1..n (no leading zeros)", () => {
  for (let n = 1; n <= 1000; n++) {
    const re = new RegExp(`^${oneToN(n)}$`, "u");
    for (let k = 0; k <= n + 12; k++) assert.equal(re.test(String(k)), k >= 1 && k <= n, `n=${n} k=${k}`);
    assert.equal(re.test(`0${n}`), false);
  }
});

test("escapeRegex makes every name a literal, in JavaScript's u mode", () => {
  fc.assert(
    fc.property(
      fc.string({
        unit: fc.constantFrom(
          ...["a", ".", "-", "_", "/", "*", "+", "?", "^", "$", "{", "}", "(", ")", "|", "[", "]", "\\", "9"],
        ),
      }),
      (s) => {
        assert.ok(new RegExp(`^${escapeRegex(s)}$`, "u").test(s));
      },
    ),
  );
  assert.equal(taskRegex("a.b", "s", new Map([["opt", 1]])), "^test-a\\.b/opt-s$");
});

/** Every mach task_regex of a compile, checked in JavaScript and in Python against every label of the branch. */
async function assertRegexesExact(root: string, branches?: string[]) {
  const r = compile({ root, branches, targets: ["mach"] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  for (const branch of r.value.branches) {
    const labels = branch.jobs.map((j) => j.label);
    const patterns: Record<string, string> = {};
    const want: Record<string, string[]> = {};
    for (const f of r.value.files.filter((f) => f.path.startsWith(`mach/${branch.branch.name}/`))) {
      const platform = f.path.split("/")[2]!.replace(/\.json$/, "");
      for (const [suite, entry] of Object.entries(JSON.parse(f.content) as Record<string, { task_regex: string }>)) {
        if (suite === "$generated") continue;
        const key = `${platform} ${suite}`;
        patterns[key] = entry.task_regex;
        want[key] = branch.jobs.filter((j) => j.platform === platform && j.suite === suite).map((j) => j.label);
        const js = new RegExp(entry.task_regex, "u");
        assert.deepEqual(
          labels.filter((l) => js.test(l)),
          want[key],
          `${key} (JavaScript)`,
        );
      }
    }
    assert.ok(Object.keys(patterns).length > 0);
    const reply = await python.request("regex", { patterns, labels });
    assert.ok(reply.ok, reply.error);
    assert.deepEqual(reply.matches, want, "Python re.fullmatch");
  }
}

test("task_regex matches exactly the labels of its suite and platform (fixture)", async () => {
  await assertRegexesExact(FIXTURE);
});

test("task_regex matches exactly the labels of its suite and platform (embedded tree, every branch)", async () => {
  const all = compile({ root: REPO, targets: [] });
  assert.ok(all.ok);
  await assertRegexesExact(REPO, [...all.value.tree.branches.keys()]);
});

test("generic suites run through run-generic with their command, cwd and env", () => {
  const r = compile({ root: FIXTURE, targets: ["mach"] });
  assert.ok(r.ok);
  const linux = JSON.parse(r.value.files.find((f) => f.path === "mach/central/linux64.json")!.content);
  assert.deepEqual(linux["lint.py"], {
    mach_command: "run-generic",
    aliases: [],
    kwargs: { command: ["python", "tools/lint/run.py", "--all"], cwd: "src", env: { LINT_STRICT: "1" } },
    harness: null,
    chunks: 1,
    task_regex: "^test-linux64/opt-lint\\.py$",
  });
  assert.equal(linux["mochitest-plain"].chunks.debug, 5, "chunks per build type when they differ");
});

test("a mach command that depends on the build type is JD044", () => {
  const root = writeTree({
    "configs/suites/plain.yml": `description: Mochitest plain
harness: mochitest
treeherder: {symbol: "M()"}
mach:
  kwargs:
    by-build-type:
      debug: {debugger: gdb}
      default: {}
`,
  });
  const r = compile({ root, targets: ["mach"] });
  assert.equal(r.ok, false);
  const codes = r.ok ? [] : r.diagnostics.map((d) => [d.code, d.file, d.line]);
  assert.deepEqual(codes, [["JD044", "configs/suites/plain.yml", 7]]);
});

test("suites named as in mach's 2015 TEST_SUITES carry its mach command, aliases and kwargs", () => {
  const reference = JSON.parse(
    readFileSync(
      join(REPO, "..", "shared", "reference", "mach", "gecko-2015.testing.mach_commands.TEST_SUITES.json"),
      "utf8",
    ),
  ).TEST_SUITES as Record<string, { mach_command?: string; aliases?: string[]; kwargs?: Record<string, unknown> }>;
  const r = compile({ root: REPO, branches: ["mozilla-central"], targets: ["mach"] });
  assert.ok(r.ok);
  const ours = JSON.parse(r.value.files.find((f) => f.path === "mach/mozilla-central/linux64.json")!.content);
  const shared = Object.keys(reference).filter((s) => s in ours && reference[s]!.mach_command);
  assert.ok(shared.length >= 6, `only ${shared.join(", ")}`);
  for (const suite of shared) {
    const want = reference[suite]!;
    assert.equal(ours[suite].mach_command, want.mach_command, suite);
    assert.deepEqual(ours[suite].aliases, want.aliases ?? [], suite);
    assert.deepEqual(ours[suite].kwargs, want.kwargs ?? {}, suite);
  }
});
