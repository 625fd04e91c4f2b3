/** Harness files, platform settings and defaults from a mozharness repository config and an in-tree config. */

import { byCodePoint } from "../values.js";
import type { Draft, Note } from "./draft.js";
import type { InTreeConfig, MozharnessConfig } from "./inputs.js";

/** Every harness either config knows: those with a runner, a suite list or an in-tree definition. */
export function knownHarnesses(moz: MozharnessConfig, inTree?: InTreeConfig): Set<string> {
  return new Set([
    ...Object.keys(moz.runFileNames),
    ...Object.keys(moz.suites),
    ...Object.keys(inTree?.definitions ?? {}),
  ]);
}

/** One harness file per harness of the configs, plus `scripted` ones (harnesses with a mozharness script of their own). */
export function draftHarnesses(
  moz: MozharnessConfig,
  inTree: InTreeConfig | undefined,
  scripted: Iterable<string>,
): Draft[] {
  const names = new Set([...knownHarnesses(moz, inTree), ...scripted]);
  return [...names].sort().map((h) => draftHarness(h, moz, inTree));
}

function draftHarness(h: string, moz: MozharnessConfig, inTree: InTreeConfig | undefined): Draft {
  const def = inTree?.definitions[h];
  const runFile = moz.runFileNames[h] ?? def?.runFile;
  const notes: Note[] = [];
  const value: Record<string, unknown> = {
    description: runFile ? `${h}, run by ${runFile}` : `${h}, run by a mozharness script of its own`,
  };
  if (runFile) value["run-file"] = runFile;
  if (def?.runFile && moz.runFileNames[h] && def.runFile !== moz.runFileNames[h])
    notes.push({
      path: ["run-file"],
      text: `the in-tree config says run_filename ${def.runFile}; jobdef emits one runner for both`,
      todo: true,
    });
  if (def?.testsDir) value["tests-dir"] = def.testsDir;
  if (moz.zipDirs[h]) value["zip-dirs"] = [...moz.zipDirs[h]];
  if (def?.options) value.options = [...def.options];
  const header = [`Drafted by jobdef import from ${[moz.path, inTree?.path].filter(Boolean).join(" and ")}.`];
  if (!runFile) header.push("No runner: suites of this harness set mozharness.script.");
  return { kind: "harnesses", name: h, header, value, notes };
}

/** `configs/defaults.yml`: the minimum zip dirs, the Treeherder groups used, and settings when no platform takes them. */
export function draftDefaults(
  moz: MozharnessConfig,
  groups: Readonly<Record<string, string>>,
  settings?: Readonly<Record<string, unknown>>,
): Draft {
  const mozharness: Record<string, unknown> = {};
  if (moz.minimumZipDirs) mozharness["minimum-tests-zip-dirs"] = [...moz.minimumZipDirs];
  const notes: Note[] = [];
  if (settings && Object.keys(settings).length) {
    mozharness.settings = sortKeys(settings);
    notes.push({
      path: ["mozharness", "settings"],
      text: "every platform gets these: move platform-specific ones into platforms/<p>.yml",
      todo: true,
    });
  }
  const value: Record<string, unknown> = {};
  if (Object.keys(groups).length) value.tree = { "treeherder-groups": { ...groups } };
  value.mozharness = mozharness;
  return { kind: "defaults", name: "defaults", header: [`Drafted by jobdef import from ${moz.path}.`], value, notes };
}

/** The settings of both configs that jobdef does not emit itself (the in-tree config loads later, so it wins). */
export function mozharnessSettings(moz: MozharnessConfig, inTree?: InTreeConfig): Record<string, unknown> {
  return sortKeys({ ...moz.settings, ...(inTree?.settings ?? {}) });
}

function sortKeys(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => byCodePoint(a, b)));
}
