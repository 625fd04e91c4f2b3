/**
 * The simulated 2015 test machine (test/helpers/machine-2015.ts) runs Mozilla's own 2015 configs through the real
 * 2015 desktop_unittest.py to the harness, in both layouts: as buildbot ran it (buildprops.json, read by the
 * read-buildbot-config action) and as TaskCluster ran it (--no-read-buildbot-config and the build's URLs).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { pythonConfigFile, runOnMachine, WORK_DIRS } from "./helpers/machine-2015.js";
import { requireShared } from "./helpers/shared.js";

const IN_TREE_2015 = pythonConfigFile(
  JSON.parse(
    readFileSync(
      requireShared("reference", "mozharness", "gecko-in-tree.testing.config.mozharness.linux_config.json"),
      "utf8",
    ),
  ),
);

test("2015's linux_unittest.py and in-tree linux_config.py reach the mochitest harness in both layouts", async () => {
  const suite = ["--mochitest-suite", "browser-chrome-chunked", "--total-chunks", "3", "--this-chunk", "2"];
  const common = {
    os: "linux",
    script: "scripts/desktop_unittest.py",
    testsZip: { "config/mozharness/linux_config.py": IN_TREE_2015 },
  } as const;
  const results = await runOnMachine([
    {
      ...common,
      id: "buildbot",
      layout: "buildbot",
      mozharnessDir: "scripts",
      buildprops: {
        properties: {
          branch: "mozilla-central",
          buildername: "Ubuntu VM 12.04 x64 mozilla-central opt test mochitest-browser-chrome-2",
        },
      },
      argv: [
        "--cfg",
        "unittests/linux_unittest.py",
        ...suite,
        "--blob-upload-branch",
        "mozilla-central",
        "--download-symbols",
        "true",
      ],
    },
    {
      ...common,
      id: "taskcluster",
      layout: "taskcluster",
      argv: [
        "--cfg",
        "unittests/linux_unittest.py",
        ...suite,
        "--no-read-buildbot-config",
        "--installer-url",
        "{installer_url}",
        "--test-packages-url",
        "{test_packages_url}",
      ],
    },
  ]);
  for (const [id, dir] of [
    ["buildbot", WORK_DIRS.buildbot],
    ["taskcluster", WORK_DIRS.taskcluster],
  ] as const) {
    const r = results.get(id);
    assert.ok(r?.ok, `${id}: ${r?.error}\n${r?.log_tail}`);
    const work = `${dir}/build`;
    assert.deepEqual(r.harness?.slice(0, 3), [`${work}/venv/bin/python`, "-u", `${work}/tests/mochitest/runtests.py`]);
    const args = r.harness?.slice(3) ?? [];
    assert.deepEqual(args.slice(0, 4), ["--total-chunks", "3", "--this-chunk", "2"]);
    assert.ok(args.includes(`--appname=${work}/application/firefox/firefox-bin`), args.join(" "));
    assert.deepEqual(args.slice(-2), ["--browser-chrome", "--chunk-by-runtime"]);
  }
  // buildbot downloaded the symbols (--download-symbols true); TaskCluster's job points at them by URL
  assert.ok(results.get("buildbot")?.harness?.includes(`--symbols-path=${WORK_DIRS.buildbot}/build/symbols`));
  assert.ok(
    results.get("taskcluster")?.harness?.some((a) => /^--symbols-path=file:.*crashreporter-symbols\.zip$/.test(a)),
  );
});
