/**
 * Stage 4, expand: for each branch, platform, build type and selected suite, merge the layers; one job per chunk.
 * The stage's parts are in src/expand/; this module runs them over a tree's branches and is what other stages import.
 */

import type { Diagnostic } from "./diagnostics.js";
import { expandBranch } from "./expand/branch.js";
import { type ExpandOptions, Expansion } from "./expand/expansion.js";
import type { BranchJobs, Job } from "./expand/jobs.js";
import type { Tree } from "./model.js";
import type { PlatformSettings } from "./platform-settings.js";

export { asChunk } from "./expand/chunks.js";
export type { ExpandOptions } from "./expand/expansion.js";
export { type BranchJobs, type Job, jobsOn, sameSuite } from "./expand/jobs.js";
export { layersFor } from "./expand/layers.js";
export { Clashes, jobPosition } from "./expand/positions.js";
export { branchPlatforms } from "./expand/selection.js";

export function expandTree(
  tree: Tree,
  options: ExpandOptions = {},
): { branches: BranchJobs[]; diagnostics: Diagnostic[] } {
  const expansion = new Expansion(tree, options);
  const branches = branchNames(tree, options).map((name): BranchJobs => {
    const jobs: Job[] = [];
    const settings = new Map<string, PlatformSettings>();
    const byPlatform = new Map<string, Job[]>();
    let first = 0;
    const run = expandBranch(expansion, name, {
      onJob: (job) => jobs.push(job),
      onPlatform: (platform, s) => {
        settings.set(platform.name, s);
        byPlatform.set(platform.name, jobs.slice(first));
        first = jobs.length;
      },
    });
    if (run.jobs === undefined) return { ...run, jobs: [], settings, byPlatform: new Map() };
    return { branch: run.branch, platforms: run.platforms, jobs, settings, byPlatform };
  });
  return { branches, diagnostics: expansion.diagnostics };
}

/**
 * Every check of `expandTree` (merges, merged-job schema, clashes, the job limit) without keeping the jobs: what
 * `validate` needs. A job lives only while its platform is checked, so memory does not grow with the tree.
 */
export function checkJobs(
  tree: Tree,
  options: ExpandOptions & {
    /** Receives each platform's jobs as a one-platform branch, then they are dropped (the emitters' checks). */
    readonly onPlatform?: (jobs: BranchJobs) => void;
  } = {},
): { jobs: number; diagnostics: Diagnostic[] } {
  const expansion = new Expansion(tree, options);
  const use = options.onPlatform;
  let jobs = 0;
  for (const name of branchNames(tree, options)) {
    let current: Job[] = [];
    const run = expandBranch(expansion, name, {
      onJob: use && ((job) => current.push(job)),
      onPlatform:
        use &&
        ((platform, settings) => {
          use({
            branch: tree.branches.get(name)!,
            platforms: [platform],
            jobs: current,
            settings: new Map([[platform.name, settings]]),
            byPlatform: new Map([[platform.name, current]]),
          });
          current = [];
        }),
    });
    jobs += run.jobs ?? 0;
  }
  return { jobs, diagnostics: expansion.diagnostics };
}

function branchNames(tree: Tree, options: ExpandOptions): readonly string[] {
  return options.branches ?? [...tree.branches.keys()].sort();
}
