/** `jobdef import`: the 2015 reference configs drafted into a tree that validates and compiles back to them. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { importConfigs } from "../src/import/index.js";
import { guessOs } from "../src/import/platform.js";
import { chooseSymbols } from "../src/import/symbols.js";
import { REPO, runCli } from "./helpers/tree.js";

const REF = join(REPO, "..", "shared", "reference");
const MOZ = join(REF, "mozharness/mozharness-2015.configs.unittests.linux_unittest.json");
const IN_TREE = join(REF, "mozharness/gecko-in-tree.testing.config.mozharness.linux_config.json");
const BUILDBOT = join(REF, "buildbot/buildbot-configs-2015.mozilla-tests.suite-lists.json");
const json = (p: string) => JSON.parse(readFileSync(p, "utf8"));
const tmp = () => mkdtempSync(join(tmpdir(), "jobdef-import-"));
const ALL = ["import", "--mozharness", MOZ, "--in-tree", IN_TREE, "--buildbot", BUILDBOT, "--platform", "linux64"];

type Entry = [string, { extra_args?: string[]; script_maxtime?: number; totalChunks?: number }];

/** `--h-suite a,b` and `--h-suite a --h-suite b` mean the same to mozharness: compare suites as a set, the rest in order. */
function normaliseArgs(args: readonly string[]): { suites: string[]; rest: string[] } {
  const suites: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z0-9-]+)-suite$/.exec(args[i]);
    if (m) suites.push(...args[++i].split(",").map((s) => `${m[1]}:${s}`));
    else rest.push(args[i]);
  }
  return { suites: suites.sort(), rest };
}

test("import the reference configs, then validate and compile them back to the reference values", () => {
  const out = tmp();
  const r = runCli([...ALL, "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote \d+ files/);
  assert.match(r.stdout, /values to review/);
  assert.match(r.stderr, /JD065: REFTEST_ONE_CHUNK: reftest differs from REFTEST_FOUR_CHUNKS's/);

  // every schema line points at a real schema
  const suitesDir = join(out, "configs/suites");
  for (const f of readdirSync(suitesDir)) {
    const first = readFileSync(join(suitesDir, f), "utf8").split("\n")[0];
    const m = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
    assert.ok(m, f);
    assert.ok(existsSync(resolve(suitesDir, m[1])), `${f}: ${m[1]}`);
  }

  mkdirSync(join(out, "configs/branches"));
  writeFileSync(
    join(out, "configs/branches/central.yml"),
    'description: trunk\nrepository: https://hg.mozilla.org/mozilla-central\nplatforms: [".*"]\n',
  );
  const v = runCli(["validate", "--root", out]);
  assert.equal(v.code, 0, v.stderr);
  const c = runCli(["compile", "--root", out, "--branch", "central", "--out", join(out, "generated")]);
  assert.equal(c.code, 0, c.stderr);

  const moz = json(MOZ);
  const gen = json(join(out, "generated/mozharness/central/linux64.json"));
  for (const k of ["run_file_names", "specific_tests_zip_dirs", "minimum_tests_zip_dirs"])
    assert.deepEqual(gen[k], moz[k], k);
  // the harness options go to the in-tree config, where mozharness reads them
  const inTree = json(join(out, "generated/mozharness/central/in-tree/linux64_config.json"));
  assert.deepEqual(inTree.suite_definitions, json(IN_TREE).suite_definitions);
  // every other key of the mozharness config is a setting, copied as it is
  for (const k of Object.keys(moz).filter((k) => !k.startsWith("all_"))) assert.deepEqual(gen[k], moz[k], k);

  let checked = 0;
  for (const f of readdirSync(suitesDir)) {
    const text = readFileSync(join(suitesDir, f), "utf8");
    const suite = parse(text);
    const name = suite.mozharness?.["suite-name"]?.split(",")[0];
    if (name === undefined) continue;
    const key = `all_${suite.harness}_suites`;
    if (moz[key]?.[name] === undefined) {
      assert.match(text, new RegExp(`suite-name: ${name} # TODO: check`), f);
      continue;
    }
    assert.deepEqual(gen[key][name], moz[key][name], `${f}: ${key}[${name}]`);
    checked++;
  }
  assert.ok(checked >= 25, `${checked} suites checked`);

  // buildbot: the first entry seen for each buildername is the one imported
  const first = new Map<string, Entry[1]>();
  for (const entries of Object.values(json(BUILDBOT)) as Entry[][])
    for (const [name, settings] of entries) if (!first.has(name)) first.set(name, settings);
  const tuples = json(join(out, "generated/buildbot/central.json")).platforms.linux64.opt_unittest_suites as Entry[];
  assert.deepEqual(tuples.map(([n]) => n).sort(), [...first.keys()].sort());
  for (const [name, e] of tuples) {
    const ref = first.get(name)!;
    assert.deepEqual(normaliseArgs(e.extra_args ?? []), normaliseArgs(ref.extra_args ?? []), name);
    if (ref.script_maxtime !== undefined) assert.equal(e.script_maxtime, ref.script_maxtime, name);
    assert.equal(e.totalChunks, ref.totalChunks, name);
  }
});

test("import refuses to overwrite existing files unless --force, and keeps hand edits; bad input is a JD064 diagnostic", () => {
  const out = tmp();
  assert.equal(runCli([...ALL, "--out", out, "--lists", "XPCSHELL"]).code, 0);
  const file = join(out, "configs/suites/xpcshell.yml");
  writeFileSync(file, "edited by hand\n");
  const again = runCli([...ALL, "--out", out, "--lists", "XPCSHELL"]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /JD064: cannot import: configs\/suites\/xpcshell.yml exists .*--force/);
  assert.equal(readFileSync(file, "utf8"), "edited by hand\n");
  // --force never loses a hand edit: the file is kept, the new draft written beside it
  const forced = runCli([...ALL, "--out", out, "--lists", "XPCSHELL", "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readFileSync(file, "utf8"), "edited by hand\n");
  assert.match(readFileSync(`${file}.rej`, "utf8"), /suite-name: xpcshell/);

  const bad = join(tmp(), "bad.json");
  const cases: [string, RegExp][] = [
    ["{not json", /JD064: cannot import the buildbot suite lists: not JSON/],
    ['{"XPCSHELL": {"xpcshell": 1}}', /JD064: cannot import the buildbot suite lists: XPCSHELL must be a list/],
    ['{"X": [["x", {"totalChunks": "2"}]]}', /X\[0\]\.totalChunks must be a positive integer/],
  ];
  for (const [text, message] of cases) {
    writeFileSync(bad, text);
    const dir = tmp();
    const r = runCli(["import", "--mozharness", MOZ, "--buildbot", bad, "--out", dir]);
    assert.equal(r.code, 1, text);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
    assert.equal(existsSync(join(dir, "configs")), false);
  }
  const missing = runCli(["import", "--mozharness", join(REPO, "no-such.json"), "--out", tmp()]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /JD064: cannot import: cannot read .*no-such.json \(ENOENT\)/);
  const notMozharness = runCli(["import", "--mozharness", BUILDBOT, "--out", tmp()]);
  assert.equal(notMozharness.code, 1);
  assert.match(notMozharness.stderr, /not a mozharness test config/);
  const help = runCli(["import", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:/);
});

const read = (path: string) => ({ path, text: readFileSync(path, "utf8") });
const OPTIONS = { outDir: "/tree", schemasDir: "/pkg/schemas" };

function library(lists: string[]) {
  const r = importConfigs({ mozharness: read(MOZ), inTree: read(IN_TREE), buildbot: read(BUILDBOT), lists }, OPTIONS);
  assert.ok(r.ok);
  return { files: new Map(r.value.files.map((f) => [f.path, f])), warnings: r.warnings };
}

test("library: names normalised, several suites in one job kept as one suite, schema lines", () => {
  const { files } = library(["CPP_GTEST", "MOCHITEST_OTHER", "MARIONETTE"]);
  const gtest = files.get("configs/suites/cpp-gtest.yml")!;
  const value = parse(gtest.content);
  assert.equal(value.harness, "cppunittest");
  assert.equal(value.buildbot.name, "cpp_gtest");
  assert.deepEqual(value.mozharness["extra-args"], ["--gtest-suite", "gtest"]);
  assert.match(
    gtest.content,
    /^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/pkg\/schemas\/suite\.schema\.json\n/,
  );
  // several suites in one job: one comma-separated suite-name; the others' entries are the harness's also-suites
  const other = parse(files.get("configs/suites/mochitest-other.yml")!.content);
  assert.equal(other.mozharness["suite-name"], "chrome,a11y,plugins");
  assert.deepEqual(other.mozharness.options, ["--chrome"]);
  assert.equal(other.mozharness["extra-args"], undefined);
  const also = parse(files.get("configs/harnesses/mochitest.yml")!.content).job.mozharness["also-suites"];
  assert.deepEqual(also.a11y, ["--a11y"]);
  assert.ok(also.plugins);
  const marionette = parse(files.get("configs/suites/marionette.yml")!.content);
  assert.equal(marionette.harness, "marionette");
  assert.equal(marionette.mozharness.script, "scripts/marionette.py");
  assert.equal(marionette.mozharness["download-symbols"], false);
  assert.equal(parse(files.get("configs/harnesses/marionette.yml")!.content)["run-file"], undefined);
  // without --platform, the settings go to defaults.yml, marked for review
  const defaults = files.get("configs/defaults.yml")!;
  assert.equal(parse(defaults.content).mozharness.settings.xpcshell_name, "xpcshell");
  assert.ok(defaults.todos.length > 0);
  assert.match(
    defaults.content,
    /^# yaml-language-server: \$schema=\.\.\/\.\.\/pkg\/schemas\/defaults\.schema\.json\n/,
  );
});

test("library: conflicts warn and the first wins; unknown lists are errors; symbols unique, guesses marked", () => {
  const { files, warnings } = library(["REFTEST_TWO_CHUNKS", "REFTEST_FOUR_CHUNKS"]);
  assert.equal(parse(files.get("configs/suites/reftest.yml")!.content).chunks, 2);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].message, /totalChunks 4 here, 2 there/);
  const r = importConfigs({ mozharness: read(MOZ), buildbot: read(BUILDBOT), lists: ["NOPE"] }, OPTIONS);
  assert.ok(!r.ok && r.diagnostics[0].code === "JD064" && /NOPE/.test(r.diagnostics[0].message));

  const symbols = chooseSymbols(["mochitest", "reftest-omtc", "reftest-other", "ro-x", "mochitest-browser-chrome"]);
  assert.deepEqual(symbols.get("mochitest"), { symbol: "M()", guessed: false });
  assert.equal(symbols.get("reftest-omtc")!.guessed, false);
  const all = [...symbols.values()].map((s) => s.symbol);
  assert.equal(new Set(all).size, all.length);
  assert.ok(symbols.get("ro-x")!.guessed && !/\d/.test(symbols.get("ro-x")!.symbol));
  const { files: guessed } = library(["MOZBASE", "LUCIDDREAM"]);
  assert.doesNotMatch(guessed.get("configs/suites/mozbase.yml")!.content, /TODO/);

  assert.equal(guessOs(join(REF, "mozharness/mozharness-2015.configs.unittests.win_unittest.json"), {}), "windows");
  assert.equal(guessOs(join(REF, "mozharness/mozharness-2015.configs.unittests.mac_unittest.json"), {}), "macosx");
  assert.equal(guessOs("x.json", { exe_suffix: ".exe" }), "windows");
});
