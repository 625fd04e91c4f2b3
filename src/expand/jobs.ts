/** What expand hands on: jobs, one per chunk of a suite on a platform and build type of a branch. */

import type { MergedJob } from "../../generated/types/index.js";
import type { Merged } from "../merge.js";
import type { Branch, Platform } from "../model.js";
import type { PlatformSettings, ResolvedHarness } from "../platform-settings.js";

/** One job: a (branch, platform, build type, suite, chunk). Chunks of one suite share `spec` and `provenance`. */
export interface Job {
  readonly label: string;
  readonly branch: string;
  readonly platform: string;
  readonly buildType: string;
  readonly suite: string;
  readonly harness: string | undefined;
  readonly chunk: number;
  readonly chunks: number;
  readonly spec: MergedJob;
  readonly merged: Merged;
  /** The job's harness runner on its platform and branch (a generic job has none). */
  readonly runner: ResolvedHarness | undefined;
  readonly treeherder: {
    readonly group?: string;
    readonly symbol: string;
    readonly fullSymbol: string;
    readonly groupName?: string;
    readonly tier: number;
  };
}

export interface BranchJobs {
  readonly branch: Branch;
  readonly platforms: readonly Platform[];
  readonly jobs: readonly Job[];
  /** Each platform's settings, keyed-by values resolved (platform name → settings). */
  readonly settings: ReadonlyMap<string, PlatformSettings>;
  /** The jobs of each platform, in their order (every emitter asks per platform). */
  readonly byPlatform: ReadonlyMap<string, readonly Job[]>;
}

/** The branch's jobs on one platform, in their order. */
export function jobsOn(branch: BranchJobs, platform: string): readonly Job[] {
  return branch.byPlatform.get(platform) ?? [];
}

/** Whether two jobs are chunks of one suite on one platform, build type and branch (and share their merge). */
export function sameSuite(a: Job, b: Job): boolean {
  return (
    a.spec === b.spec &&
    a.suite === b.suite &&
    a.platform === b.platform &&
    a.buildType === b.buildType &&
    a.branch === b.branch
  );
}
