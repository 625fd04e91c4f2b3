/**
 * Fidelity: the embedded tree's mozilla-central mozharness configs against Mozilla's own of mid-2015
 * (../shared/reference/mozharness/): the 2015 mozharness repository configs linux/win/mac_unittest and the in-tree
 * linux_config (suite_definitions). Every deliberate difference is listed below with its reason, and the test checks
 * that each listed difference still exists, so the list cannot go stale.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { compile } from "../src/compile.js";
import { REPO } from "./helpers/tree.js";

type Config = Record<string, unknown>;
const REFERENCE = join(REPO, "..", "shared", "reference", "mozharness");
const readReference = (name: string): Config => JSON.parse(readFileSync(join(REFERENCE, name), "utf8"));
const IN_TREE = readReference("gecko-in-tree.testing.config.mozharness.linux_config.json");

const PAIRS = [
  { platform: "linux64", reference: "mozharness-2015.configs.unittests.linux_unittest.json", minSuites: 30 },
  { platform: "win32", reference: "mozharness-2015.configs.unittests.win_unittest.json", minSuites: 25 },
  { platform: "macosx64", reference: "mozharness-2015.configs.unittests.mac_unittest.json", minSuites: 15 },
];

/** Top-level keys we write that the 2015 configs lack, on every platform. */
const EXTRA_KEYS: Record<string, string> = {
  $generated:
    "jobdef's banner (SPEC: every generated file says it is generated); mozharness ignores keys it does not read",
  all_marionette_suites:
    "marionette ran with its own script (marionette.py) reading no all_<h>_suites; jobdef still lists the suite's mozharness options so no suite field is silently dropped",
  marionette_address:
    "marionette.py's (2015: marionette/prod_config.py); the one config of a platform serves every script, and the others do not read it",
  "all_web-platform-tests_suites":
    "web-platform-tests ran with its own script (web_platform_tests.py); listed for the same reason as marionette",
};

/**
 * Settings of the 2015 configs we write differently, with why: values those configs computed from the directory they
 * were evaluated in (`os.getcwd()`), which would tie a config to one machine's layout.
 */
const DIFFERENT_SETTINGS: Record<string, string> = {
  binary_path:
    "linux/win_unittest.py named it under os.getcwd(); left out, as mac_unittest.py did: mozharness takes the binary's path from mozinstall",
  installer_path:
    "named under os.getcwd(); left out: mozharness downloads the installer into its work dir (TaskCluster's checkout is not /builds/slave/test)",
  exes: "win_unittest.py named mozinstall under os.getcwd(); here %(abs_work_dir)s/venv/scripts/..., which mozharness's query_exe expands",
};

const HARNESS_KEYS = ["run_file_names", "minimum_tests_zip_dirs", "specific_tests_zip_dirs", "suite_definitions"];
const isSuiteList = (k: string) => /^all_.+_suites$/.test(k);

function compiled(): Map<string, Config> {
  const r = compile({ root: REPO, branches: ["mozilla-central"], targets: ["mozharness"] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  return new Map(
    r.value.files.filter((f) => f.path.endsWith(".json")).map((f) => [f.path, JSON.parse(f.content) as Config]),
  );
}

for (const pair of PAIRS) {
  test(`mozilla-central ${pair.platform} equals ${pair.reference} and the in-tree linux_config`, () => {
    const ours = compiled().get(`mozharness/mozilla-central/${pair.platform}.json`);
    assert.ok(ours);
    const reference = readReference(pair.reference);

    // 1. the runners: run files and zip dirs from the repository config, suite_definitions from the in-tree one
    // (the in-tree windows_config.py and mac_config.py of 2015 are not in the reference; they carried the same
    // suite_definitions as linux_config.py apart from paths mozharness fills in through %(name)s)
    for (const key of HARNESS_KEYS.slice(0, 3)) assert.deepEqual(ours[key], reference[key], key);
    const inTree = compiled().get(`mozharness/mozilla-central/in-tree/${pair.platform}_config.json`);
    // (beside them, marionette.py's marionette_desktop, from gecko's in-tree marionette.py, not in the reference)
    assert.ok(inTree, "the in-tree config");
    const { marionette_desktop, ...definitions } = inTree.suite_definitions as Config;
    assert.ok(marionette_desktop, "marionette.py's options");
    assert.deepEqual(definitions, IN_TREE.suite_definitions, "suite_definitions (in-tree)");
    assert.ok(
      !("suite_definitions" in ours),
      "suite_definitions only in the in-tree config, where mozharness reads them",
    );

    // 2. every suite we generate is in the reference with the same options (and env)
    let compared = 0;
    for (const key of Object.keys(ours).filter(isSuiteList)) {
      if (key in EXTRA_KEYS) continue;
      const refSuites = reference[key] as Record<string, unknown> | undefined;
      assert.ok(refSuites, `${key} is not in ${pair.reference}`);
      for (const [name, entry] of Object.entries(ours[key] as Record<string, unknown>)) {
        assert.ok(Object.hasOwn(refSuites, name), `${key}["${name}"] is not in ${pair.reference}`);
        assert.deepEqual(entry, refSuites[name], `${key}["${name}"]`);
        compared++;
      }
    }
    assert.ok(compared >= pair.minSuites, `only ${compared} suites compared`);

    // 3. every platform setting of the reference (exes, binary_path, installer_path, xpcshell_name, ...) is equal
    const settings = Object.keys(reference).filter((k) => !HARNESS_KEYS.includes(k) && !isSuiteList(k));
    assert.ok(settings.length >= 15);
    for (const key of settings.filter((k) => !(k in DIFFERENT_SETTINGS)))
      assert.deepEqual(ours[key], reference[key], key);

    // 4. nothing else: only the deliberate extra keys
    const extra = Object.keys(ours).filter((k) => !(k in reference) && !HARNESS_KEYS.includes(k));
    for (const key of extra)
      assert.ok(key in EXTRA_KEYS, `${key} is not in ${pair.reference} and not a listed difference`);
  });
}

test("each listed deliberate difference still exists", () => {
  const all = compiled();
  for (const key of Object.keys(EXTRA_KEYS)) {
    const somewhere = PAIRS.some(
      ({ platform, reference }) =>
        key in all.get(`mozharness/mozilla-central/${platform}.json`)! && !(key in readReference(reference)),
    );
    assert.ok(somewhere, `${key}: no longer a difference; remove it from EXTRA_KEYS`);
  }
  for (const key of Object.keys(DIFFERENT_SETTINGS)) {
    const somewhere = PAIRS.some(
      ({ platform, reference }) =>
        key in readReference(reference) &&
        JSON.stringify(all.get(`mozharness/mozilla-central/${platform}.json`)![key]) !==
          JSON.stringify(readReference(reference)[key]),
    );
    assert.ok(somewhere, `${key}: no longer a difference; remove it from DIFFERENT_SETTINGS`);
  }
});
