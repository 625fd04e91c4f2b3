/** What a branch considers (its platforms and suites) and whether a suite's `run-on` selects a place. */

import type { Branch, Platform, Suite, Tree } from "../model.js";
import type { Patterns } from "../names.js";
import { byCodePoint } from "../values.js";
import type { JobPlace } from "../vocabulary.js";

/** The platforms a branch runs, by name. */
export function branchPlatforms(tree: Tree, branch: Branch): Platform[] {
  const res = branch.spec.platforms.map((p) => tree.patterns.fullMatch(p));
  return [...tree.platforms.values()]
    .filter((p) => res.some((re) => re.test(p.name)))
    .sort((a, b) => byCodePoint(a.name, b.name));
}

/** The suites a branch does not exclude, by name. */
export function branchSuites(tree: Tree, branch: Branch): Suite[] {
  const excluded = (branch.spec["exclude-suites"] ?? []).map((p) => tree.patterns.fullMatch(p));
  return [...tree.suites.values()]
    .filter((s) => !excluded.some((re) => re.test(s.name)))
    .sort((a, b) => byCodePoint(a.name, b.name));
}

/** A merged job's `run-on` field. */
export interface RunOn {
  platforms?: string[];
  "platform-tags"?: string[];
  "build-types"?: string[];
  branches?: string[];
}

/** No platform rule: every platform of the branch. Platforms and tags: either selects. */
export function selects(
  runOn: RunOn | undefined,
  place: JobPlace & { buildType: string },
  patterns: Patterns,
): boolean {
  if (!runOn) return true;
  const { platform, buildType } = place;
  const branch = place.branch.name;
  const byName = runOn.platforms?.some((p) => patterns.fullMatch(p).test(platform.name));
  const byTag = runOn["platform-tags"]?.some((t) => platform.spec.tags?.includes(t));
  if ((runOn.platforms || runOn["platform-tags"]) && !byName && !byTag) return false;
  if (runOn["build-types"] && !runOn["build-types"].includes(buildType)) return false;
  if (runOn.branches && !runOn.branches.some((b) => patterns.fullMatch(b).test(branch))) return false;
  return true;
}
