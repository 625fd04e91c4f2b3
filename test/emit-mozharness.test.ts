import assert from "node:assert/strict";
import { test } from "node:test";
import { compile } from "../src/compile.js";
import { checkGolden, FIXTURE } from "./fixtures/golden-harness/golden.js";
import { fileTexts, writeTree } from "./helpers/tree.js";

function configOf(root: string, path: string): Record<string, unknown> {
  const r = compile({ root, targets: ["mozharness"] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  const file = r.value.files.find((f) => f.path === path);
  assert.ok(file, `no ${path}`);
  return JSON.parse(file.content);
}

test("mozharness output of the golden fixture equals expected/ (npm run golden rewrites)", () => {
  checkGolden("mozharness");
});

test("platform settings: defaults deep-merged with the platform's, keyed-by resolved per platform", () => {
  const linux = configOf(FIXTURE, "mozharness/central/linux64.json");
  const win = configOf(FIXTURE, "mozharness/central/win32.json");
  assert.equal(linux.exe_suffix, "");
  assert.equal(win.exe_suffix, ".exe");
  // mappings merge, lists and scalars of the platform replace
  assert.deepEqual(linux.exes, {
    python: "/tools/buildbot/bin/python",
    "tooltool.py": "/tools/tooltool.py",
    virtualenv: ["/tools/buildbot/bin/python", "/tools/misc-python/virtualenv.py"],
  });
  assert.deepEqual(win.exes, {
    python: "c:/mozilla-build/python27/python.exe",
    virtualenv: ["c:/mozilla-build/python27/python.exe", "c:/mozilla-build/buildbotve/virtualenv.py"],
  });
  assert.equal(linux.minidump_save_path, "%(abs_work_dir)s/../minidumps", "placeholders pass through");
});

test("harness runners per platform; suites per platform; generic jobs left out", () => {
  const linux = configOf(FIXTURE, "mozharness/central/linux64.json");
  const win = configOf(FIXTURE, "mozharness/central/win32.json");
  // the harness options are in the in-tree config (which the tests zip carries), as 2015 mozharness reads them
  const linuxInTree = configOf(FIXTURE, "mozharness/central/in-tree/linux64_config.json");
  const winInTree = configOf(FIXTURE, "mozharness/central/in-tree/win32_config.json");
  assert.ok(!("suite_definitions" in linux), "suite_definitions are in the in-tree config only");
  // marionette has no run file: mozharness runs it with a script of its own
  assert.deepEqual(Object.keys(linux.run_file_names as object), ["mochitest", "reftest"]);
  assert.deepEqual(
    (linuxInTree.suite_definitions as Record<string, { options: string[] }>).mochitest.options.at(-1),
    "--log-raw=%(raw_log_file)s",
  );
  assert.deepEqual(
    (winInTree.suite_definitions as Record<string, { options: string[] }>).mochitest.options.at(-1),
    "--quiet",
  );
  assert.deepEqual(Object.keys(linux.all_reftest_suites as object), ["crashtest", "reftest-ipc"]);
  assert.deepEqual(Object.keys(win.all_reftest_suites as object), ["crashtest"], "reftest-ipc runs on linux only");
  assert.deepEqual((linux.all_reftest_suites as Record<string, unknown>)["reftest-ipc"], {
    options: ["--setpref=browser.tabs.remote=true", "tests/reftest/tests/layout/reftests/reftest-sanity/reftest.list"],
    env: { MOZ_DISABLE_CONTEXT_SHARING_GLX: "1", MOZ_OMTC_ENABLED: "1" },
  });
  assert.ok(!JSON.stringify(linux).includes("lint"), "the generic suite is not in the mozharness config");
});

test("two jobs giving one mozharness suite name different options is JD042, positioned at the options", () => {
  const root = writeTree({
    "configs/suites/plain.yml": `description: Mochitest plain
harness: mochitest
treeherder: {symbol: "M()"}
chunks: 2
mozharness:
  options:
    by-build-type:
      debug: [--debug-only]
      default: []
`,
  });
  const r = compile({ root, targets: ["mozharness"] });
  assert.equal(r.ok, false);
  const [d, ...rest] = r.ok ? [] : r.diagnostics;
  assert.equal(rest.length, 0);
  assert.equal(d?.code, "JD042");
  assert.match(d!.message, /all_mochitest_suites\["plain"\] on linux64/);
  assert.equal(d!.file, "configs/suites/plain.yml");
  assert.equal(d!.line, 8, "the debug arm, reported against the opt job seen first");
  assert.deepEqual(
    d!.related?.map((x) => [x.file, x.line]),
    [["configs/suites/plain.yml", 9]],
  );
});

test("two suites sharing a suite name with equal options is fine", () => {
  const root = writeTree({
    "configs/suites/plain-again.yml": `description: Same mozharness suite, another treeherder symbol
harness: mochitest
treeherder: {symbol: "M(p)"}
mozharness: {suite-name: plain}
`,
  });
  const r = compile({ root, targets: ["mozharness"] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
});

test("output is byte-identical across runs", () => {
  const a = compile({ root: FIXTURE, targets: ["mozharness"] });
  const b = compile({ root: FIXTURE, targets: ["mozharness"] });
  assert.ok(a.ok && b.ok);
  assert.deepEqual(fileTexts(a.value.files), fileTexts(b.value.files));
});
