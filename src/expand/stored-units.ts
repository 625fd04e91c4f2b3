/**
 * Units through the cache of earlier runs (src/cache/unit-store.ts): read back where their key is unchanged, else
 * merged and, when they raised nothing, kept.
 */

import type { BranchUnits, StoredUnit } from "../cache/unit-store.js";
import type { Merged } from "../merge.js";
import type { SuiteJobs } from "./chunks.js";
import type { Expansion } from "./expansion.js";
import { mergeUnit, type Unit, unitJobs, unitLayers } from "./unit.js";

/** The unit's jobs, read back or merged; undefined where its suite does not run or it has diagnostics (reported). */
export function cachedUnit(run: Expansion, units: BranchUnits, unit: Unit): SuiteJobs | undefined {
  const at = { platform: unit.place.platform.name, buildType: unit.place.buildType, suite: unit.suite.name };
  const key = units.key(at);
  const stored = units.get(at, key);
  if (stored === null) return undefined;
  if (stored) return storedUnit(run, unit, stored);
  const reported = run.diagnostics.length;
  let runs = false;
  const sj = mergeUnit(run, unit, () => {
    runs = true;
  });
  // a unit that raised anything is expanded again next time, so its diagnostics are too
  if (run.diagnostics.length === reported && (sj || !runs))
    units.put(at, key, sj ? { harness: sj.harness, spec: sj.spec as unknown as Record<string, unknown> } : null);
  return sj;
}

/** A unit read back: its job's value as kept, its provenance merged again only if something asks for it. */
function storedUnit(run: Expansion, unit: Unit, stored: NonNullable<StoredUnit>): SuiteJobs {
  const { merges, tree } = run;
  const harness = stored.harness;
  const layers = unitLayers(run, unit, harness);
  const ctx = tree.vocabulary.contextOf({ ...unit.place, harness });
  let provenance: Merged["provenance"] | undefined;
  const merged: Merged = {
    value: stored.spec,
    get provenance() {
      provenance ??= merges.job.merge(layers, ctx).merged.provenance;
      return provenance;
    },
  };
  return unitJobs(run, unit, { harness, merged });
}
