/**
 * The entries of Mozilla's 2015 job definitions in ../shared/, read from the reference files themselves, and whether
 * a compiled tree produces each with an equal value: every `all_<h>_suites` entry of linux/mac/win_unittest (against
 * linux64, macosx64 and win32), every in-tree `suite_definitions` entry and older `<h>_options` key, every Android 4.3
 * `test_suite_definitions` entry (the Python original, evaluated) and every buildbot-configs suite tuple.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { compile } from "../../src/compile.js";
import { evaluatePythonConfig } from "../../src/import/python-config.js";
import { deepEqual } from "../../src/merge.js";
import { requireShared } from "./shared.js";

type Obj = Record<string, unknown>;
/** One reference entry: its id (as the README table names it) and whether some branch produces it equal. */
export interface Entry {
  readonly id: string;
  readonly covered: boolean;
}

const json = (path: string): Obj => JSON.parse(readFileSync(path, "utf8"));
const reference = (name: string) => json(requireShared("reference", "mozharness", name));
const isSuiteList = (k: string) => /^all_.+_suites$/.test(k);

/** Every branch of a tree, mozharness and buildbot targets: path → value. */
export function compiledTree(root: string): Map<string, Obj> {
  const r = compile({ root, branches: "all", targets: ["mozharness", "buildbot"] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  return new Map(r.value.files.filter((f) => f.path.endsWith(".json")).map((f) => [f.path, JSON.parse(f.content)]));
}

/**
 * The value at `keys` of the platform's mozharness config on each branch: `suite_definitions` from its in-tree
 * config (where mozharness reads them), anything else from the config `--cfg` names.
 */
function mozharnessValues(out: Map<string, Obj>, platform: string, keys: string[]): unknown[] {
  const file = keys[0] === "suite_definitions" ? `/in-tree/${platform}_config.json` : `/${platform}.json`;
  return [...out]
    .filter(
      ([path]) =>
        path.startsWith("mozharness/") && path.endsWith(file) && !path.slice(0, -file.length).includes("/in-tree"),
    )
    .map(([, config]) => keys.reduce<unknown>((v, k) => (v as Obj | undefined)?.[k], config));
}

const equalToSome = (want: unknown, values: unknown[]) => values.some((v) => v !== undefined && deepEqual(v, want));

const DESKTOP = [
  { file: "linux_unittest", platform: "linux64" },
  { file: "mac_unittest", platform: "macosx64" },
  { file: "win_unittest", platform: "win32" },
];

export function desktopEntries(out: Map<string, Obj>): Entry[] {
  return DESKTOP.flatMap(({ file, platform }) => {
    const ref = reference(`mozharness-2015.configs.unittests.${file}.json`);
    return Object.keys(ref)
      .filter(isSuiteList)
      .flatMap((key) =>
        Object.entries(ref[key] as Obj).map(([name, want]) => ({
          id: `${file} ${key} ${name}`,
          covered: equalToSome(want, mozharnessValues(out, platform, [key, name])),
        })),
      );
  });
}

export function inTreeEntries(out: Map<string, Obj>): Entry[] {
  const linux = reference("gecko-in-tree.testing.config.mozharness.linux_config.json");
  const current = Object.entries(linux.suite_definitions as Obj).map(([harness, want]) => ({
    id: `linux_config suite_definitions ${harness}`,
    covered: equalToSome(want, mozharnessValues(out, "linux64", ["suite_definitions", harness])),
  }));
  // the older shape: `<harness>_options` for suite_definitions[harness].options, other keys as settings
  const mac = reference("gecko-in-tree-older.testing.config.mozharness.mac_config.json");
  const older = Object.entries(mac).map(([key, want]) => {
    const harness = /^(.+)_options$/.exec(key)?.[1];
    const path = harness ? ["suite_definitions", harness, "options"] : [key];
    return { id: `mac_config ${key}`, covered: equalToSome(want, mozharnessValues(out, "macosx64", path)) };
  });
  return [...current, ...older];
}

export function androidEntries(out: Map<string, Obj>): Entry[] {
  const path = requireShared("consumers", "mozharness-2015", "configs", "android", "androidarm_4_3.py");
  const evaluated = evaluatePythonConfig(path);
  assert.ok(evaluated.ok, JSON.stringify(!evaluated.ok && evaluated.diagnostics));
  const config = JSON.parse(evaluated.value) as Obj;
  return Object.entries(config.test_suite_definitions as Obj).map(([name, want]) => ({
    id: `androidarm_4_3 test_suite_definitions ${name}`,
    covered: equalToSome(want, mozharnessValues(out, "android-4.3", ["test_suite_definitions", name])),
  }));
}

/** Every reference group with its entries, as compiled by `out`. */
export function referenceGroups(out: Map<string, Obj>): [string, Entry[]][] {
  return [
    ["linux/mac/win_unittest all_<h>_suites", desktopEntries(out)],
    ["in-tree suite_definitions (and <h>_options)", inTreeEntries(out)],
    ["androidarm_4_3 test_suite_definitions", androidEntries(out)],
    ["buildbot-configs suite tuples", buildbotEntries(out)],
  ];
}

/**
 * jobdef's additions to a buildbot tuple, beside buildbot-configs' keys (see configs/README.md): `suite` names the
 * jobdef suite; `env` is the job's environment, which buildbot-configs kept per platform, not per suite.
 */
const ADDED_TUPLE_KEYS = ["suite", "env"];

function tupleValue(settings: Obj): Obj {
  const value: Obj = {};
  for (const [k, v] of Object.entries(settings)) if (!ADDED_TUPLE_KEYS.includes(k)) value[k] = v;
  return value;
}

export function buildbotEntries(out: Map<string, Obj>): Entry[] {
  const produced: [string, Obj][] = [];
  for (const [path, config] of out) {
    if (!path.startsWith("buildbot/")) continue;
    for (const platform of Object.values(config.platforms as Record<string, Obj>))
      for (const [key, tuples] of Object.entries(platform))
        if (key.endsWith("_unittest_suites")) produced.push(...(tuples as [string, Obj][]));
  }
  const lists = json(requireShared("reference", "buildbot", "buildbot-configs-2015.mozilla-tests.suite-lists.json"));
  return Object.entries(lists).flatMap(([list, tuples]) =>
    (tuples as [string, Obj][]).map(([name, settings]) => ({
      id: `buildbot ${list} ${name}`,
      covered: produced.some(([n, s]) => n === name && deepEqual(tupleValue(s), settings)),
    })),
  );
}
