/**
 * Merging one unit: a suite on a platform and build type of a branch, whose merged job its chunks share. `harness`
 * and then `run-on` are merged first, so fields of suites that do not run somewhere are never resolved there.
 */

import type { MergedJob } from "../../generated/types/index.js";
import { unknownMachKwargs } from "../mach-kwargs.js";
import type { Merged } from "../merge.js";
import type { Layer, Suite } from "../model.js";
import type { PlatformSettings } from "../platform-settings.js";
import type { JobPlace } from "../vocabulary.js";
import { type SuiteJobs, suiteJobs } from "./chunks.js";
import type { Expansion } from "./expansion.js";
import { isLayer, layersFor } from "./layers.js";
import { mergedJobErrors } from "./merged-job-errors.js";
import { originAt } from "./positions.js";
import { type RunOn, selects } from "./selection.js";

/** Where a unit is: its branch, platform, build type and suite (by name). */
export type UnitPlace = JobPlace & { readonly buildType: string; readonly suite: string };

export interface Unit {
  readonly place: UnitPlace;
  readonly suite: Suite;
  /** The platform's settings on the branch: its harness runners. */
  readonly settings: PlatformSettings;
}

/** A unit's merge: the harness it chose, the layers that made it and the merged job. */
export interface MergedUnit {
  readonly harness: string | undefined;
  readonly layers: readonly Layer[];
  readonly merged: Merged;
}

/**
 * The unit's jobs, merged and checked; undefined where its suite does not run or it has diagnostics (reported).
 * `onSelected` is told when the suite runs there, before its job is merged.
 */
export function mergeUnit(run: Expansion, unit: Unit, onSelected?: () => void): SuiteJobs | undefined {
  const harnessOf = mergeHarness(run, unit);
  if (run.failed(harnessOf)) return undefined;
  const harness = harnessOf.merged.value.harness as string | undefined;
  const ctx = run.tree.vocabulary.contextOf({ ...unit.place, harness });
  const layers = unitLayers(run, unit, harness);
  const runOn = run.merges.runOn.merge(layers, ctx);
  if (run.failed(runOn)) return undefined;
  if (!selects(runOn.merged.value["run-on"] as RunOn | undefined, unit.place, run.tree.patterns)) return undefined;
  onSelected?.();
  const job = run.merges.job.merge(layers, ctx);
  if (run.failed(job)) return undefined;
  const merge: MergedUnit = { harness, layers, merged: job.merged };
  if (!isValidJob(run, unit, merge)) return undefined;
  reportUnknownKwargs(run, unit, merge);
  return unitJobs(run, unit, merge);
}

/** The unit's layers with its harness's. */
export function unitLayers(run: Expansion, unit: Unit, harness: string | undefined): Layer[] {
  const { place, suite } = unit;
  return layersFor(run.tree, { branch: place.branch, platform: place.platform, suite, harness }, run.overrides);
}

/** The jobs a unit's merged job makes, with the runner of its harness on the platform. */
export function unitJobs(run: Expansion, unit: Unit, { harness, merged }: Omit<MergedUnit, "layers">): SuiteJobs {
  const spec = merged.value as unknown as MergedJob;
  const runner = harness === undefined ? undefined : unit.settings.runners.get(harness);
  return suiteJobs(run.tree, { ...unit.place, harness }, { spec, merged, runner });
}

/** The unit's `harness` field, merged from every layer but a harness's (the one it chooses). */
function mergeHarness(run: Expansion, { place, suite }: Unit) {
  const { tree, overrides } = run;
  const layers = [tree.defaults.layer, place.platform.layer, suite.layer, place.branch.layer, ...overrides];
  return run.merges.harness.merge(layers.filter(isLayer), tree.vocabulary.contextOf(place));
}

/** Whether the merged job passes the merged-job schema; its errors are reported where their values were set. */
function isValidJob(run: Expansion, unit: Unit, merge: MergedUnit): boolean {
  if (run.mergedJob(merge.merged.value)) return true;
  run.diagnostics.push(...mergedJobErrors(run, unit, merge));
  return false;
}

/** JD046: keys of `mach.kwargs` the job's harness does not accept, at the layer that set them. */
function reportUnknownKwargs(run: Expansion, { suite }: Unit, { harness, merged }: MergedUnit): void {
  const kwargs = (merged.value as unknown as MergedJob).mach?.kwargs as Record<string, unknown> | undefined;
  const at = (path: readonly string[]) => originAt(merged.provenance, path) ?? suite.file.positionOf([]);
  run.diagnostics.push(...unknownMachKwargs(run.tree, harness, kwargs, suite.name, at));
}
