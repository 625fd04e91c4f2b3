/**
 * Harness files, platform settings and defaults from the mozharness repository configs of one or more platforms and
 * an in-tree config. A value every platform shares is written once; one that differs is keyed by platform.
 */

import { byCodePoint } from "../values.js";
import type { Draft, Note } from "./draft.js";
import { keyedByPlatform } from "./factor.js";
import type { InTreeConfig, MozharnessConfig } from "./inputs.js";

/** One imported platform: its name (empty when the import drafts no platform file) and its mozharness config. */
export interface PlatformConfig {
  readonly name: string;
  readonly moz: MozharnessConfig;
}

/** Every harness the configs know: those with a runner, a suite list or an in-tree definition. */
export function knownHarnesses(platforms: readonly PlatformConfig[], inTree?: InTreeConfig): Set<string> {
  return new Set([
    ...platforms.flatMap(({ moz }) => [...Object.keys(moz.runFileNames), ...Object.keys(moz.suites)]),
    ...Object.keys(inTree?.definitions ?? {}),
  ]);
}

/**
 * One harness file per harness of the configs, plus `scripted` ones (harnesses with a mozharness script of their
 * own). `alsoSuites` holds, per harness, the `all_<h>_suites` entries no drafted suite selects: they go into the
 * harness's `job.mozharness.also-suites`, so every platform's config still lists them.
 */
export function draftHarnesses(
  platforms: readonly PlatformConfig[],
  inTree: InTreeConfig | undefined,
  scripted: Iterable<string>,
  alsoSuites: ReadonlyMap<string, unknown>,
): Draft[] {
  const names = new Set([...knownHarnesses(platforms, inTree), ...scripted]);
  return [...names].sort(byCodePoint).map((h) => draftHarness(h, platforms, inTree, alsoSuites.get(h)));
}

function draftHarness(
  h: string,
  platforms: readonly PlatformConfig[],
  inTree: InTreeConfig | undefined,
  alsoSuites: unknown,
): Draft {
  const def = inTree?.definitions[h];
  const names = platforms.map((p) => p.name);
  const perPlatform = (get: (moz: MozharnessConfig) => unknown) =>
    keyedByPlatform(new Map(platforms.map((p) => [p.name, get(p.moz)])), names);
  const runFile = perPlatform((moz) => moz.runFileNames[h] ?? def?.runFile);
  const notes: Note[] = [];
  const value: Record<string, unknown> = {
    description: typeof runFile === "string" ? `${h}, run by ${runFile}` : `${h}, from the mozharness configs`,
  };
  if (runFile !== undefined) value["run-file"] = runFile;
  const differing = platforms.find(
    (p) => def?.runFile && p.moz.runFileNames[h] && def.runFile !== p.moz.runFileNames[h],
  );
  if (differing)
    notes.push({
      path: ["run-file"],
      text: `the in-tree config says run_filename ${def!.runFile}; jobdef emits one runner for both`,
      todo: true,
    });
  if (def?.testsDir) value["tests-dir"] = def.testsDir;
  const zipDirs = perPlatform((moz) => moz.zipDirs[h]);
  if (zipDirs !== undefined) value["zip-dirs"] = zipDirs;
  if (def?.options) value.options = [...def.options];
  if (alsoSuites !== undefined) value.job = { mozharness: { "also-suites": alsoSuites } };
  const sources = [...platforms.map((p) => p.moz.path), inTree?.path].filter(Boolean);
  const header = [`Drafted by jobdef import from ${sources.join(", ")}.`];
  if (runFile === undefined) header.push("No runner: suites of this harness set mozharness.script.");
  return { kind: "harnesses", name: h, header, value, notes };
}

/** `configs/defaults.yml`: the minimum zip dirs, the Treeherder groups used, and the settings shared by platforms. */
export function draftDefaults(
  platforms: readonly PlatformConfig[],
  groups: Readonly<Record<string, string>>,
  settings: Readonly<Record<string, unknown>>,
  shared: boolean,
): Draft {
  const mozharness: Record<string, unknown> = {};
  const minimum = platforms.find((p) => p.moz.minimumZipDirs)?.moz.minimumZipDirs;
  if (minimum) mozharness["minimum-tests-zip-dirs"] = [...minimum];
  const notes: Note[] = [];
  if (Object.keys(settings).length) {
    mozharness.settings = sortKeys(settings);
    if (!shared)
      notes.push({
        path: ["mozharness", "settings"],
        text: "every platform gets these: move platform-specific ones into platforms/<p>.yml",
        todo: true,
      });
  }
  const value: Record<string, unknown> = {};
  if (Object.keys(groups).length) value.tree = { "treeherder-groups": { ...groups } };
  value.mozharness = mozharness;
  const header = [`Drafted by jobdef import from ${platforms.map((p) => p.moz.path).join(", ")}.`];
  if (shared) header.push("mozharness.settings: the settings every imported platform shares with equal values.");
  return { kind: "defaults", name: "defaults", header, value, notes };
}

/** The settings of a platform's config and the in-tree one that jobdef does not emit itself (in-tree loads later). */
export function mozharnessSettings(moz: MozharnessConfig, inTree?: InTreeConfig): Record<string, unknown> {
  return sortKeys({ ...moz.settings, ...(inTree?.settings ?? {}) });
}

function sortKeys(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => byCodePoint(a, b)));
}
