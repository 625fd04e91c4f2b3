/**
 * Round trip: the 2015 Python configs of linux, mac, win and Android 4.3 (run by python, as mozharness loads them),
 * the in-tree linux_config and the buildbot-configs lists imported by `jobdef import` into an empty tree, which then
 * validates and compiles; every reference entry (test/helpers/reference-entries.ts, the same entries the coverage
 * test counts) is compared with the compiled output.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { compiledTree, referenceGroups } from "./helpers/reference-entries.js";
import { requireShared } from "./helpers/shared.js";
import { runCli } from "./helpers/tree.js";

const PLATFORMS: [string, string][] = [
  ["linux64", "unittests/linux_unittest.py"],
  ["linux32", "unittests/linux_unittest.py"],
  ["macosx64", "unittests/mac_unittest.py"],
  ["win32", "unittests/win_unittest.py"],
  ["android-4.3", "android/androidarm_4_3.py"],
];

/**
 * Where the lists of a buildername with variants ran, as buildbot-configs' mozilla-tests/config.py chose in 2015
 * (configs/README.md gives the same choices for the embedded tree).
 */
const ASSIGNMENTS = [
  "REFTEST_TWO_CHUNKS=linux64/opt",
  "REFTEST_TWO_CHUNKS=linux32/opt",
  "REFTEST_FOUR_CHUNKS=linux64/debug",
  "REFTEST_FOUR_CHUNKS=linux32/debug",
  "REFTEST_TWO_CHUNKS_E10S=linux64/debug",
  "REFTEST_TWO_CHUNKS_E10S=linux32/debug",
  "JITTEST_CHUNKED=linux64",
  "JITTEST_CHUNKED=linux32",
  "MOCHITEST_BC=*/*/mozilla-esr38",
  "MOCHITEST_DT_4=*/debug",
  "MOCHITEST_DT_8=linux32/debug",
  "WEB_PLATFORM_TESTS_CHUNKED=*/opt",
  "WEB_PLATFORM_TESTS_CHUNKED_MORE=*/debug",
  "WEB_PLATFORM_TESTS=*/*/mozilla-beta",
].flatMap((a) => ["--assign", a]);

function importAll(out: string, extra: string[] = []) {
  const configs = requireShared("consumers", "mozharness-2015", "configs");
  return runCli([
    "import",
    ...PLATFORMS.flatMap(([p, f]) => ["--mozharness", `${p}=${join(configs, f)}`]),
    "--in-tree",
    requireShared("reference", "mozharness", "gecko-in-tree.testing.config.mozharness.linux_config.json"),
    "--buildbot",
    requireShared("reference", "buildbot", "buildbot-configs-2015.mozilla-tests.suite-lists.json"),
    "--out",
    out,
    ...extra,
  ]);
}

test("import linux, mac, win and Android (Python) with the buildbot lists: compiles back to the reference entries", () => {
  const out = mkdtempSync(join(tmpdir(), "jobdef-round-trip-"));
  const r = importAll(out, ASSIGNMENTS);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /differs from/); // every variant folded
  assert.match(r.stdout, /5 platforms, \d+ suites/);
  mkdirSync(join(out, "configs/branches"));
  for (const branch of ["mozilla-central", "mozilla-beta", "mozilla-esr38"])
    writeFileSync(
      join(out, `configs/branches/${branch}.yml`),
      `description: ${branch}\nrepository: https://hg.mozilla.org/${branch}\nplatforms: [".*"]\n`,
    );
  const v = runCli(["validate", "--root", out]);
  assert.equal(v.code, 0, v.stderr);

  // factored, not copied: shared settings once in defaults.yml, differing values keyed by platform
  const defaults = parse(readFileSync(join(out, "configs/defaults.yml"), "utf8"));
  assert.equal(defaults.mozharness.settings.buildbot_json_path, "buildprops.json");
  const linux = parse(readFileSync(join(out, "configs/platforms/linux64.yml"), "utf8"));
  assert.equal(linux.mozharness.settings.buildbot_json_path, undefined);
  const xpcshell = parse(readFileSync(join(out, "configs/suites/xpcshell.yml"), "utf8"));
  assert.deepEqual(Object.keys(xpcshell.mozharness.options), ["by-platform"]);
  assert.deepEqual(xpcshell["run-on"], { platforms: ["linux64", "linux32", "macosx64", "win32"] });
  const jittest = parse(readFileSync(join(out, "configs/suites/jittest.yml"), "utf8"));
  assert.ok(jittest["run-on"].platforms.length >= 1);
  for (const f of readdirSync(join(out, "configs/suites")))
    assert.match(readFileSync(join(out, "configs/suites", f), "utf8"), /\n# drafted by jobdef import; sha256 /);

  // every reference entry but the older in-tree mac_config (not an input here) is produced equal
  const missing: string[] = [];
  for (const [title, entries] of referenceGroups(compiledTree(out))) {
    const compared = entries.filter((e) => !e.id.startsWith("mac_config "));
    const equal = compared.filter((e) => e.covered);
    missing.push(...compared.filter((e) => !e.covered).map((e) => e.id));
    console.log(`# round trip, ${title}: ${equal.length}/${compared.length} equal`);
  }
  // The three deliberate differences of configs/README.md's table, which the embedded tree has too: gtest is no
  // harness of the 2015 configs (its argument lands after cppunittest's); MARIONETTE left script_maxtime to
  // buildbot's default, which jobdef writes.
  assert.deepEqual(missing, [
    "buildbot CPP_GTEST cpp_gtest",
    "buildbot MARIONETTE marionette",
    "buildbot MARIONETTE_E10S marionette-e10s",
  ]);
});

test("--assign: lists of one buildername fold into one suite only where they are told apart", () => {
  const out = mkdtempSync(join(tmpdir(), "jobdef-assign-"));
  const lists = ["--lists", "REFTEST_ONE_CHUNK,REFTEST_TWO_CHUNKS"];
  const unassigned = importAll(out, lists);
  assert.equal(unassigned.code, 0, unassigned.stderr);
  assert.match(unassigned.stderr, /JD065: REFTEST_TWO_CHUNKS: reftest differs from REFTEST_ONE_CHUNK's .*--assign/);

  const tie = importAll(join(out, "tie"), [
    ...lists,
    "--assign",
    "REFTEST_ONE_CHUNK=linux64",
    "--assign",
    "REFTEST_TWO_CHUNKS=linux64",
  ]);
  assert.match(tie.stderr, /linux64\/opt\/\* is assigned to REFTEST_ONE_CHUNK and REFTEST_TWO_CHUNKS/);

  const folded = importAll(join(out, "folded"), [...lists, "--assign", "REFTEST_TWO_CHUNKS=linux64/opt"]);
  assert.equal(folded.code, 0, folded.stderr);
  assert.doesNotMatch(folded.stderr, /JD065: REFTEST/);
  const reftest = parse(readFileSync(join(out, "folded/configs/suites/reftest.yml"), "utf8"));
  assert.deepEqual(reftest.chunks, {
    "by-platform": { linux64: { "by-build-type": { debug: 1, default: 2 } }, "linux32|macosx64|win32": 1 },
  });

  for (const [assign, message] of [
    ["REFTEST_TWO_CHUNKS", /--assign REFTEST_TWO_CHUNKS: expected LIST=platform/],
    ["NO_SUCH_LIST=linux64", /--assign NO_SUCH_LIST: no such suite list/],
    ["REFTEST_TWO_CHUNKS=linux16", /no platform linux16 is imported/],
    ["REFTEST_TWO_CHUNKS=linux64/pgo", /build type pgo is not one of opt, debug/],
  ] as const) {
    const r = importAll(join(out, "bad"), [...lists, "--assign", assign]);
    assert.equal(r.code, 1, assign);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /JD064/);
  }
});

test("import again: unchanged files stay, drafted ones are replaced with --force, hand-edited ones kept with a .rej", () => {
  const out = mkdtempSync(join(tmpdir(), "jobdef-reimport-"));
  const lists = ["--lists", "XPCSHELL,REFTEST_IPC"];
  assert.equal(importAll(out, lists).code, 0);
  const edited = join(out, "configs/suites/xpcshell.yml");
  const drafted = join(out, "configs/suites/reftest-ipc.yml");
  writeFileSync(edited, `${readFileSync(edited, "utf8")}chunks: 3\n`);

  // without --force: refused, file by file, nothing written
  const refused = importAll(out, ["--lists", "XPCSHELL,REFTEST_IPC,MOZBASE"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /JD064: cannot import: configs\/suites\/xpcshell\.yml exists/);
  assert.doesNotMatch(refused.stderr, /reftest-ipc\.yml exists/); // unchanged: nothing to refuse
  assert.match(refused.stderr, /configs\/harnesses\/mozbase\.yml exists/); // one error per file
  assert.equal(readdirSync(join(out, "configs/suites")).includes("mozbase.yml"), false);

  // with --force: drafted files are replaced, the hand-edited one is kept and the new draft goes beside it
  const forced = importAll(out, ["--lists", "XPCSHELL,MOZBASE", "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(
    forced.stderr,
    /JD065: kept configs\/suites\/xpcshell\.yml: edited by hand .* configs\/suites\/xpcshell\.yml\.rej/,
  );
  assert.match(readFileSync(edited, "utf8"), /chunks: 3\n$/);
  assert.doesNotMatch(readFileSync(`${edited}.rej`, "utf8"), /chunks: 3/);
  assert.ok(readdirSync(join(out, "configs/suites")).includes("mozbase.yml"));
  const rej = (dir: string) => readdirSync(join(out, "configs", dir)).filter((f) => f.endsWith(".rej"));
  assert.deepEqual([...rej("harnesses"), ...rej("suites")], ["xpcshell.yml.rej"]);
  assert.match(readFileSync(drafted, "utf8"), /suite-name: reftest-ipc/); // not in these lists: left as it was
});

test("import runs a Python config with a deadline; a broken one is a JD064 diagnostic", () => {
  const dir = mkdtempSync(join(tmpdir(), "jobdef-py-"));
  const cases: [string, RegExp, string][] = [
    [
      "config = {'run_file_names': {}}\nraise ValueError('boom')\n",
      /JD064: cannot import: cannot evaluate .*: python3 failed: ValueError: boom/,
      "60000",
    ],
    ["x = 1\n", /the file defines no config dict/, "60000"],
    ["import time\nwhile True: pass\n", /did not finish within 3000 ms/, "3000"],
  ];
  for (const [text, message, deadline] of cases) {
    const path = join(dir, "bad_unittest.py");
    writeFileSync(path, text);
    const r = runCli(["import", "--mozharness", path, "--python-deadline", deadline, "--out", join(dir, "out")]);
    assert.equal(r.code, 1, text);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  // Python 2 only: print statement; python2.7 reads it
  const py2 = join(dir, "py2_unittest.py");
  writeFileSync(
    py2,
    "print 'loading'\nconfig = {'run_file_names': {'xpcshell': 'runxpcshelltests.py'}, 'all_xpcshell_suites': {'xpcshell': []}}\n",
  );
  const r = runCli(["import", "--mozharness", py2, "--out", join(dir, "py2")]);
  assert.equal(r.code, 0, r.stderr);
});
