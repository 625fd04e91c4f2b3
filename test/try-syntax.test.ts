/** Try syntax: parser and selection tables against the fixture tree `test/fixtures/try/` (stable, owned here). */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { expandJobs, loadValidTree } from "../src/compile.js";
import type { Diagnostic } from "../src/diagnostics.js";
import { chooseTryJobs, parseTrySyntax, TRY_FILE, type TrySelection } from "../src/try-syntax/index.js";
import { REPO } from "./helpers/tree.js";

const root = join(REPO, "test", "fixtures", "try");
const tree = loadValidTree(root);
assert.ok(tree.ok, "fixture tree is valid");
const expanded = expandJobs(tree.value, { branches: ["try"] });
assert.ok(expanded.ok, "fixture tree expands");
const branch = expanded.value[0];
const all = branch.jobs.map((j) => j.label).sort((a, b) => (a < b ? -1 : 1));

function choose(message: string): { selection?: TrySelection; diagnostics: readonly Diagnostic[] } {
  if (!tree.ok) throw new Error("unreachable");
  const r = chooseTryJobs(message, tree.value, branch);
  return r.ok ? { selection: r.value, diagnostics: r.warnings } : { diagnostics: r.diagnostics };
}

/** Labels of the try branch whose platform, build type and suite satisfy the given tests. */
function where(p: (platform: string, buildType: string, suite: string, chunk: number) => boolean): string[] {
  return branch.jobs
    .filter((j) => p(j.platform, j.buildType, j.suite, j.chunk))
    .map((j) => j.label)
    .sort((a, b) => (a < b ? -1 : 1));
}

const selections: [string, string, string[]][] = [
  ["no try: line", "Bug 1 - fix the frobnicator, r=me", []],
  ["-b missing selects nothing", "try: -p all -u all -t none", []],
  ["-p missing selects nothing", "try: -b do -u all", []],
  ["-u all on all platforms, both types", "try: -b do -p all -u all -t none", all],
  ["-u none", "try: -b do -p all -u none -t none", []],
  ["-u missing is none", "try: -b do -p all", []],
  ["-p none", "try: -b do -p none -u all", []],
  ["opt only", "try: -b o -p linux64 -u all", where((p, b) => p === "linux64" && b === "opt")],
  [
    "attached values and long flags",
    "try: -bd --platform=linux64 --unittests all",
    where((p, b) => p === "linux64" && b === "debug"),
  ],
  [
    "build letters in any order",
    "try: -b od -p win32 -u reftest",
    where((p, _b, s) => p === "win32" && s === "reftest"),
  ],
  [
    "a suite by name: every chunk",
    "try: -b d -p linux64 -u mochitest-plain",
    where((p, b, s) => p === "linux64" && b === "debug" && s === "mochitest-plain"),
  ],
  [
    "a chunk",
    "try: -b do -p linux64 -u mochitest-plain-1",
    ["test-linux64/debug-mochitest-plain-1", "test-linux64/opt-mochitest-plain-1"],
  ],
  ["a chunk only debug has", "try: -b do -p linux64 -u mochitest-plain-5", ["test-linux64/debug-mochitest-plain-5"]],
  [
    "an alias shared by suites",
    "try: -b o -p linux64 -u mochitests",
    where((p, b, s) => p === "linux64" && b === "opt" && s.startsWith("mochitest-")),
  ],
  [
    "an alias with a chunk",
    "try: -b o -p linux64 -u mochitests-2",
    ["test-linux64/opt-mochitest-browser-chrome-2", "test-linux64/opt-mochitest-plain-2"],
  ],
  [
    "name and alias of other suites",
    "try: -b o -p linux64 -u reftest",
    where((p, b, s) => p === "linux64" && b === "opt" && s.startsWith("reftest")),
  ],
  [
    "a try name replaces the suite name",
    "try: -b o -p all -u mochitest-dt",
    ["test-linux64/opt-mochitest-devtools-chrome", "test-win32/opt-mochitest-devtools-chrome"],
  ],
  [
    "the full name wins over name-chunk",
    "try: -b do -p all -u xpcshell-2",
    ["test-linux64/debug-xpcshell-2", "test-linux64/opt-xpcshell-2"],
  ],
  ["name-chunk where no suite has the full name", "try: -b o -p win32 -u xpcshell-1", ["test-win32/opt-xpcshell-1"]],
  [
    "platform filter includes by substring",
    "try: -b o -p all -u reftest-no-accel[linux64]",
    ["test-linux64-asan/opt-reftest-no-accel", "test-linux64/opt-reftest-no-accel"],
  ],
  [
    "platform filter include and exclude",
    "try: -b o -p all -u reftest-no-accel[linux,-asan]",
    ["test-linux32/opt-reftest-no-accel", "test-linux64/opt-reftest-no-accel"],
  ],
  [
    "exclude only",
    "try: -b o -p all -u robocop,reftest[-linux]",
    [
      ...where((p, b, s) => b === "opt" && s === "reftest" && !p.includes("linux")),
      "test-android-4.3/opt-robocop",
    ].sort(),
  ],
  ["filter with spaces after commas", "try: -b o -p all -u xpcshell[linux64, -asan]", ["test-linux64/opt-xpcshell"]],
  ["all with a filter", "try: -b d -p all -u all[win]", where((p, b) => p === "win32" && b === "debug")],
  [
    "list continued after a comma and space",
    "try: -b o -p linux64, win32 -u mochitest-dt, xpcshell-2",
    [
      "test-linux64/opt-mochitest-devtools-chrome",
      "test-linux64/opt-xpcshell-2",
      "test-win32/opt-mochitest-devtools-chrome",
    ],
  ],
  [
    "a build platform names its test platforms",
    "try: -b o -p linux,android-api-11 -u robocop,reftest-1",
    ["test-android-4.3/opt-reftest-1", "test-android-4.3/opt-robocop", "test-linux32/opt-reftest-1"],
  ],
  ["a generic suite", "try: -b do -p all -u mozlint", ["test-linux64/opt-mozlint"]],
  [
    "try: anywhere in the message, first line wins",
    "Bug 2 - part 1\n\nr=me try: -b o -p win32 -u mochitest-dt\ntry: -b d -p all -u all",
    ["test-win32/opt-mochitest-devtools-chrome"],
  ],
  [
    "-t none and a talos list select nothing more",
    "try: -b o -p win32 -u mochitest-dt -t chromez,dromaeojs",
    ["test-win32/opt-mochitest-devtools-chrome"],
  ],
];

for (const [name, message, want] of selections) {
  test(`selects: ${name}`, () => {
    const { selection, diagnostics } = choose(message);
    assert.ok(selection, `no errors: ${JSON.stringify(diagnostics)}`);
    assert.deepEqual(selection.labels, want);
  });
}

// [name, message, code, column (on the try line), message fragment]
const errors: [string, string, number, string][] = [
  ["unknown flag", "try: -b o -x linux64", 11, 'unknown flag "-x"'],
  ["unknown long flag, suggestion", "try: -b o --platfrom linux64", 11, "did you mean --platform"],
  ["stray word", "try: -b o linux64", 11, 'unexpected "linux64"'],
  ["bad build letter", "try: -b oz -p all", 10, 'unknown build type "z"'],
  ["flag without value", "try: -b o -p", 11, "-p needs a value"],
  ["flag twice", "try: -b o -b d", 11, "-b is given twice"],
  ["unknown platform with suggestion", "try: -b o -p linux64,lnux64 -u all", 22, "did you mean linux64"],
  ["unknown test with suggestion", "try: -b o -p all -u mochitest-plian", 21, "did you mean mochitest-plain"],
  [
    "chunk out of range",
    "try: -b o -p all -u mochitest-plain-9",
    37,
    "has chunks 1 to 3 on every platform (opt), not chunk 9; did you mean mochitest-plain-3?",
  ],
  [
    "a chunk that only another build type has",
    "try: -b o -p linux64 -u mochitest-plain-5",
    41,
    "has chunks 1 to 3 on linux64 (opt), not chunk 5; did you mean mochitest-plain-3?",
  ],
  [
    "a test that runs on none of the chosen platforms",
    "try: -b do -p linux -u mochitest-dt",
    24,
    '"mochitest-dt" selects no job on linux32 (debug, opt); it runs on linux64 debug/opt, win32 debug/opt; did you mean -p linux64,win32?',
  ],
  [
    "a platform filter leaving nothing of the chosen platforms",
    "try: -b o -p linux64 -u xpcshell[win]",
    25,
    '"xpcshell[win]" selects no job on linux64 (opt)',
  ],
  [
    "chunk of an unchunked suite",
    "try: -b o -p all -u robocop-2",
    29,
    "has no chunks on every platform (opt), not chunk 2; did you mean robocop?",
  ],
  ["unclosed bracket", "try: -b o -p all -u reftest[linux64", 28, "'[' is never closed"],
  ["stray closing bracket", "try: -b o -p all -u reftest]", 28, "']' without a matching '['"],
  ["text after a filter", "try: -b o -p all -u reftest[linux]-1", 35, 'unexpected "-1"'],
  ["empty filter", "try: -b o -p all -u reftest[]", 29, "empty platform"],
  ["filter matching no platform", "try: -b o -p all -u reftest[linux,-wn32]", 36, 'platform filter "wn32"'],
  ["brackets on -p", "try: -b o -p linux64[x] -u all", 21, "belong to -u items"],
  ["none combined", "try: -b o -p all -u none,reftest", 21, '"none" cannot be combined'],
  ["empty list item", "try: -b o -p all -u reftest,,xpcshell", 29, "empty name"],
  ["bad rebuild", "try: -b o -p all -u all --rebuild 50", 35, "--rebuild takes a whole number"],
  ["column on a later line", "Bug 3\ntry: -b o -p all -u nope", 21, 'unknown test "nope"'],
];

for (const [name, message, column, fragment] of errors) {
  test(`rejects: ${name}`, () => {
    const { selection, diagnostics } = choose(message);
    assert.equal(selection, undefined);
    const d = diagnostics.find((x) => x.message.includes(fragment));
    assert.ok(d, `a diagnostic with "${fragment}" in ${JSON.stringify(diagnostics.map((x) => x.message))}`);
    assert.equal(d.code, "JD060");
    assert.equal(d.severity, "error");
    assert.equal(d.file, TRY_FILE);
    assert.equal(d.line, message.split("\n").findIndex((l) => l.includes("try:")) + 1);
    assert.equal(d.column, column, `${d.message} at column ${d.column}`);
  });
}

test("warnings: missing -b and -p, talos, no try line", () => {
  assert.match(choose("try: -p all -u all").diagnostics[0].message, /no -b: nothing is selected/);
  assert.match(choose("try: -b o -u all").diagnostics[0].message, /no -p: nothing is selected/);
  assert.match(choose("try: -b o -p all -t all").diagnostics[0].message, /talos is not modelled/);
  assert.match(choose("no syntax").diagnostics[0].message, /no line with try:/);
  assert.ok(choose("try: -b o -p all -u all").diagnostics.length === 0);
});

test("rebuild, builds, platforms and tests of a selection", () => {
  const { selection } = choose("try: -b do -p linux,win32 -u mochitest-dt,reftest-2 --rebuild 3");
  assert.ok(selection);
  assert.equal(selection.rebuild, 3);
  assert.deepEqual(selection.builds, ["build-linux/debug", "build-linux/opt", "build-win32/debug", "build-win32/opt"]);
  assert.deepEqual(selection.platforms, ["linux32", "win32"]);
  assert.deepEqual(selection.tests, ["mochitest-devtools-chrome", "reftest"]);
  assert.equal(choose("try: -b o -p all -u all").selection?.rebuild, 1);
});

test("the parser keeps token columns", () => {
  const r = parseTrySyntax("x try: -b do -p linux64 -u mochitest-1[linux64,-asan] -t none");
  assert.ok(r.ok);
  assert.deepEqual(r.value.buildTypes, ["debug", "opt"]);
  const tests = r.value.tests;
  assert.ok(tests?.kind === "list");
  assert.deepEqual(tests.items[0].name, { text: "mochitest-1", line: 1, column: 28 });
  assert.deepEqual(
    tests.items[0].filters.map((f) => [f.token.text, f.token.column, f.exclude]),
    [
      ["linux64", 40, false],
      ["asan", 49, true],
    ],
  );
});

test("selection is deterministic and does not depend on the order of names", () => {
  const a = choose("try: -b do -p win32,linux64 -u xpcshell,mochitests").selection;
  const b = choose("try: -b od -p linux64,win32 -u mochitests,xpcshell").selection;
  assert.deepEqual(a, b);
});

// ---- The embedded tree (configs/): expectations computed from its expanded try jobs, by suite, platform and chunk.
const embedded = (() => {
  const t = loadValidTree(REPO);
  assert.ok(t.ok, "embedded tree is valid");
  const e = expandJobs(t.value, { branches: ["try"] });
  assert.ok(e.ok, "embedded tree expands");
  return { tree: t.value, branch: e.value[0] };
})();

interface Pick {
  readonly platforms?: readonly string[];
  readonly types?: readonly string[];
  readonly suites?: readonly string[];
  readonly chunk?: number;
  readonly test?: (platform: string) => boolean;
}

/** Labels of embedded try jobs matching every given criterion. */
function pick(p: Pick): string[] {
  return embedded.branch.jobs
    .filter(
      (j) =>
        (!p.platforms || p.platforms.includes(j.platform)) &&
        (!p.types || p.types.includes(j.buildType)) &&
        (!p.suites || p.suites.includes(j.suite)) &&
        (p.chunk === undefined || (j.chunks > 1 && j.chunk === p.chunk)) &&
        (!p.test || p.test(j.platform)),
    )
    .map((j) => j.label)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const MOCHITESTS = [
  "mochitest-a11y",
  "mochitest-browser-chrome",
  "mochitest-browser-chrome-e10s",
  "mochitest-chrome",
  "mochitest-devtools-chrome",
  "mochitest-devtools-chrome-e10s",
  "mochitest-e10s",
  "mochitest-gl",
  "mochitest-jetpack",
  "mochitest-plain",
  "mochitest-push",
];
const REFTESTS = ["reftest", "reftest-e10s", "reftest-ipc", "reftest-no-accel"];
const E10S = [
  "crashtest-e10s",
  "marionette-e10s",
  "mochitest-browser-chrome-e10s",
  "mochitest-devtools-chrome-e10s",
  "mochitest-e10s",
  "reftest-e10s",
];
const BC = ["mochitest-browser-chrome", "mochitest-browser-chrome-e10s"];

// [name, message, expected labels, minimum count (guards against vacuous expectations)]
const embeddedTable: [string, string, string[], number][] = [
  ["no try: line", "Bug 1180000 - frob the widget; r=me", [], 0],
  ["-b missing", "try: -p all -u all -t none", [], 0],
  ["-p missing", "try: -b do -u all -t none", [], 0],
  ["-u none", "try: -b do -p all -u none -t none", [], 0],
  ["-u all", "try: -b do -p all -u all -t none", pick({}), 500],
  ["-u all, opt only", "try: -b o -p all -u all -t none", pick({ types: ["opt"] }), 200],
  [
    "try name of mochitest-plain is mochitest",
    "try: -b o -p linux64 -u mochitest",
    pick({ platforms: ["linux64"], types: ["opt"], suites: ["mochitest-plain"] }),
    5,
  ],
  ["a chunk", "try: -b d -p linux64 -u mochitest-1", ["test-linux64/debug-mochitest-plain-1"], 1],
  [
    "a chunk only Android has",
    "try: -b o -p all -u mochitest-16",
    pick({ types: ["opt"], suites: ["mochitest-plain"], chunk: 16 }),
    1,
  ],
  [
    "the build platform android-api-11",
    "try: -b o -p android-api-11 -u xpcshell",
    pick({ platforms: ["android-4.3"], types: ["opt"], suites: ["xpcshell"] }),
    3,
  ],
  [
    "the build platform linux is linux32",
    "try: -b do -p linux -u xpcshell",
    pick({ platforms: ["linux32"], suites: ["xpcshell"] }),
    2,
  ],
  ["alias mochitests", "try: -b o -p all -u mochitests", pick({ types: ["opt"], suites: MOCHITESTS }), 50],
  ["alias reftests", "try: -b do -p linux64 -u reftests", pick({ platforms: ["linux64"], suites: REFTESTS }), 6],
  [
    "the name reftest also selects the reftest-like suites that alias it, as in 2015",
    "try: -b do -p linux64 -u reftest",
    pick({ platforms: ["linux64"], suites: REFTESTS }),
    2,
  ],
  ["alias e10s across harnesses", "try: -b do -p all -u e10s", pick({ suites: E10S }), 20],
  [
    "alias mochitest-bc",
    "try: -b o -p win32 -u mochitest-bc",
    pick({ platforms: ["win32"], types: ["opt"], suites: BC }),
    4,
  ],
  [
    "alias with a chunk",
    "try: -b o -p win32 -u mochitest-bc-2",
    pick({ platforms: ["win32"], types: ["opt"], suites: BC, chunk: 2 }),
    2,
  ],
  [
    "a try name (cppunit)",
    "try: -b do -p macosx64 -u cppunit",
    pick({ platforms: ["macosx64"], suites: ["cppunittest"] }),
    2,
  ],
  [
    "filter include",
    "try: -b o -p all -u reftest[linux64]",
    pick({ types: ["opt"], suites: REFTESTS, test: (p) => p.includes("linux64") }),
    3,
  ],
  [
    "filter include and exclude",
    "try: -b o -p all -u reftest[linux,-asan]",
    pick({ types: ["opt"], suites: REFTESTS, test: (p) => p.includes("linux") && !p.includes("asan") }),
    2,
  ],
  [
    "filter exclude only",
    "try: -b d -p all -u xpcshell[-win]",
    pick({ types: ["debug"], suites: ["xpcshell"], test: (p) => !p.includes("win") }),
    3,
  ],
  ["all with a filter", "try: -b d -p all -u all[macosx64]", pick({ platforms: ["macosx64"], types: ["debug"] }), 10],
  [
    "chunk with a filter",
    "try: -b d -p all -u mochitest-dt-3[win]",
    pick({ types: ["debug"], suites: ["mochitest-devtools-chrome"], chunk: 3, test: (p) => p.includes("win") }),
    2,
  ],
  ["chunks differ per os", "try: -b do -p all -u jittest-2", pick({ suites: ["jittest"], chunk: 2 }), 2],
  ["the generic suite by alias", "try: -b do -p all -u lint", ["test-linux64/opt-mozlint-flake8"], 1],
  ["--rebuild keeps the labels", "try: -b o -p linux64 -u flake8 --rebuild 5", ["test-linux64/opt-mozlint-flake8"], 1],
  [
    "a list over two words, in a longer message",
    "Bug 2 - x\ntry: -b o -p linux64, win64 -u mochitest-1, cppunit -t none",
    [
      ...pick({ platforms: ["linux64", "win64"], types: ["opt"], suites: ["mochitest-plain"], chunk: 1 }),
      ...pick({ platforms: ["linux64", "win64"], types: ["opt"], suites: ["cppunittest"] }),
    ].sort(),
    4,
  ],
];

for (const [name, message, want, least] of embeddedTable) {
  test(`embedded tree selects: ${name}`, () => {
    assert.ok(want.length >= least, `expectation has ${want.length} labels, at least ${least} expected`);
    const r = chooseTryJobs(message, embedded.tree, embedded.branch);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
    assert.deepEqual(r.value.labels, want);
    assert.equal(
      r.value.rebuild,
      /--rebuild (\d+)/.exec(message)?.[1] ? Number(/--rebuild (\d+)/.exec(message)?.[1]) : 1,
    );
  });
}

const embeddedErrors: [string, string, number, string][] = [
  [
    "a suite name replaced by its try name",
    "try: -b o -p all -u mochitest-plain",
    21,
    'unknown test "mochitest-plain"',
  ],
  ["a misspelt test", "try: -b o -p all -u xpcshel", 21, "did you mean xpcshell"],
  ["a misspelt platform", "try: -b o -p linux63 -u all", 14, "did you mean linux64, linux, linux32"],
  [
    "a chunk past the last",
    "try: -b o -p all -u mochitest-17",
    31,
    "chunks 1 to 16 on every platform (opt), not chunk 17",
  ],
  [
    "a chunk past the last on the chosen platform",
    "try: -b o -p linux64 -u mochitest-9",
    35,
    "did you mean mochitest-5?",
  ],
  [
    "a build type the suite skips",
    "try: -b o -p macosx64 -u marionette",
    26,
    "it runs on macosx64 debug, linux32 debug/opt, linux64 debug/opt, win32 debug/opt and 1 more; did you mean -b d?",
  ],
  ["an unclosed filter", "try: -b o -p all -u reftest[linux64,", 28, "'[' is never closed"],
  ["a filter matching no platform", "try: -b o -p all -u reftest[solaris]", 29, 'platform filter "solaris"'],
  ["an unknown flag", "try: -b o -p all -u all --no-retry", 25, 'unknown flag "--no-retry"'],
];

for (const [name, message, column, fragment] of embeddedErrors) {
  test(`embedded tree rejects: ${name}`, () => {
    const r = chooseTryJobs(message, embedded.tree, embedded.branch);
    assert.ok(!r.ok);
    const d = r.diagnostics.find((x) => x.message.includes(fragment));
    assert.ok(d, `"${fragment}" in ${JSON.stringify(r.diagnostics.map((x) => x.message))}`);
    assert.deepEqual([d.code, d.file, d.line, d.column], ["JD060", TRY_FILE, 1, column]);
  });
}
