/**
 * The expansion of one branch: platform by platform, each build type × each suite the branch does not exclude, one
 * job per chunk; the branch's limits, label and symbol clashes, and each platform's settings.
 */

import type { BranchUnits } from "../cache/unit-store.js";
import { error } from "../diagnostics.js";
import { PlatformClashes } from "../job-clashes.js";
import { LIMITS } from "../limits.js";
import { type Branch, buildTypesOn, type Platform, type Suite } from "../model.js";
import { type PlatformSettings, resolvePlatformSettings, type SettingsResolution } from "../platform-settings.js";
import { chunkJob, type SuiteJobs } from "./chunks.js";
import type { Expansion } from "./expansion.js";
import type { Job } from "./jobs.js";
import { Clashes } from "./positions.js";
import { branchPlatforms, branchSuites } from "./selection.js";
import { cachedUnit } from "./stored-units.js";
import { mergeUnit, type Unit } from "./unit.js";

/** What a branch's expansion hands on: every job, and each platform's settings once its jobs are done. */
export interface BranchHandlers {
  /** Without it, jobs are checked and counted only (no object per job). */
  readonly onJob?: (job: Job) => void;
  readonly onPlatform?: (platform: Platform, settings: PlatformSettings) => void;
}

/** Expands one branch: its platforms, and the job count (undefined past a limit of the branch). */
export function expandBranch(
  run: Expansion,
  name: string,
  handlers: BranchHandlers,
): { branch: Branch; platforms: Platform[]; jobs: number | undefined } {
  const branch = run.tree.branches.get(name)!;
  const platforms = branchPlatforms(run.tree, branch);
  const jobs = new BranchExpansion(run, branch, handlers).expand(platforms);
  return { branch, platforms, jobs };
}

const SYMBOL_PATHS = [["treeherder", "symbol"]] as const;

class BranchExpansion {
  private jobs = 0;
  private readonly suites: Suite[];
  private readonly clashes: Clashes;
  private readonly units: BranchUnits | undefined;

  constructor(
    private readonly run: Expansion,
    private readonly branch: Branch,
    private readonly handlers: BranchHandlers,
  ) {
    this.units = run.units?.forBranch(run.tree, branch);
    this.suites = branchSuites(run.tree, branch);
    this.clashes = new Clashes(run.tree);
  }

  /** The number of jobs, or undefined once past a limit. */
  expand(platforms: readonly Platform[]): number | undefined {
    if (!this.withinCombinations(platforms)) return undefined;
    for (const platform of platforms) if (!this.platform(platform)) return undefined;
    this.run.diagnostics.push(...this.clashes.diagnostics());
    return this.jobs;
  }

  /**
   * Whether the branch's suite, platform and build type combinations are within the limit (JD043), checked before
   * any is merged: each costs a merge to find out whether it runs, so a tree of many suites and platforms that never
   * meet would otherwise take hours while making no job.
   */
  private withinCombinations(platforms: readonly Platform[]): boolean {
    let combinations = 0;
    for (const platform of platforms) combinations += buildTypesOn(platform, this.branch).length * this.suites.length;
    if (combinations <= LIMITS.combinationsPerBranch) return true;
    const message = `branch ${this.branch.name} has ${combinations} combinations of suite, platform and build type to consider; the limit is ${LIMITS.combinationsPerBranch}`;
    this.run.diagnostics.push(error("JD043", message, this.branch.file.positionOf([])));
    return false;
  }

  /** The platform's jobs and settings; false past the job limit. */
  private platform(platform: Platform): boolean {
    const resolution = resolvePlatformSettings(this.run.tree, this.branch, platform);
    const platformClashes = new PlatformClashes<SuiteJobs>();
    const harnesses = new Set<string>();
    for (const buildType of buildTypesOn(platform, this.branch)) {
      for (const suite of this.suites) {
        const place = { branch: this.branch, platform, buildType, suite: suite.name };
        const sj = this.unitJobs({ place, suite, settings: resolution.settings });
        if (!sj) continue;
        if (sj.harness) harnesses.add(sj.harness);
        platformClashes.add(sj);
        if (!this.chunks(sj)) return false;
      }
    }
    platformClashes.check((code, what, [s, chunk], [o, oChunk]) =>
      this.clashes.add(code, what, chunkJob(s, chunk), chunkJob(o, oChunk), SYMBOL_PATHS),
    );
    this.reportSettings(resolution, harnesses);
    this.handlers.onPlatform?.(platform, resolution.settings);
    return true;
  }

  private unitJobs(unit: Unit): SuiteJobs | undefined {
    return this.units ? cachedUnit(this.run, this.units, unit) : mergeUnit(this.run, unit);
  }

  /** The platform's settings' diagnostics, a harness's only where a job of the platform uses it. */
  private reportSettings(resolution: SettingsResolution, harnesses: ReadonlySet<string>): void {
    this.run.diagnostics.push(...resolution.diagnostics);
    for (const harness of harnesses) this.run.diagnostics.push(...(resolution.harnessDiagnostics.get(harness) ?? []));
  }

  /** Hands on each chunk's job; false once the branch has more jobs than the limit. */
  private chunks(sj: SuiteJobs): boolean {
    for (let chunk = 1; chunk <= sj.chunks; chunk++) {
      // a job is an object only when it is kept (compile) or clashes
      this.handlers.onJob?.(chunkJob(sj, chunk));
      if (++this.jobs > LIMITS.jobsPerBranch) {
        const message = `branch ${this.branch.name} has more than ${LIMITS.jobsPerBranch} jobs`;
        this.run.diagnostics.push(error("JD043", message, this.branch.file.positionOf([])));
        return false;
      }
    }
    return true;
  }
}
