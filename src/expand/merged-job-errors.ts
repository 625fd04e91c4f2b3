/** A merged job's schema errors as diagnostics at the layers that set (or unset) the values. */

import { ajvDiagnostics } from "../ajv-errors.js";
import { type Diagnostic, error, type Position } from "../diagnostics.js";
import type { PathSegment } from "../source.js";
import { unsetKeys } from "../unset-keys.js";
import type { Expansion } from "./expansion.js";
import { originAt } from "./positions.js";
import type { MergedUnit, Unit } from "./unit.js";

/**
 * The merged-job validator's last errors: a required key a layer unset with null is JD035 at that null, once per
 * position (every job of the suite would repeat it); the others where their value came from.
 */
export function mergedJobErrors(run: Expansion, { suite, place }: Unit, { merged, layers }: MergedUnit): Diagnostic[] {
  const where = `${place.platform.name}/${place.buildType} on ${place.branch.name}`;
  const locate = (path: PathSegment[]) => originAt(merged.provenance, path.map(String)) ?? suite.file.positionOf(path);
  const { unset, rest } = unsetKeys(run.mergedJob.errors ?? [], layers);
  const unsetErrors = unset
    .filter(({ at }) => firstTime(run.unsetReported, at))
    .map(({ path, at }) =>
      error(
        "JD035",
        `suite ${suite.name} (${where}): ${path.join(".")} is needed by the job, but null here unsets it (null deletes a key, and then no default applies); write the value instead`,
        at,
      ),
    );
  return [
    ...unsetErrors,
    ...ajvDiagnostics(rest, locate, [], "the merged job").map(
      (d): Diagnostic => ({
        ...d,
        code: d.code === "JD034" ? d.code : "JD035",
        message: `suite ${suite.name} (${where}): ${d.message}`,
      }),
    ),
  ];
}

function firstTime(reported: Set<string>, at: Position): boolean {
  const key = `${at.file}:${at.line}:${at.column}`;
  if (reported.has(key)) return false;
  reported.add(key);
  return true;
}
