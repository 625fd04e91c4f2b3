/** A merged suite on a platform and build type, and its chunks as jobs: their labels and Treeherder symbols. */

import type { MergedJob } from "../../generated/types/index.js";
import type { ChunkedSuite } from "../job-clashes.js";
import type { Merged } from "../merge.js";
import type { Tree } from "../model.js";
import { chunkSymbol, jobLabel, splitSymbol, treeherderSymbol } from "../names.js";
import type { ResolvedHarness } from "../platform-settings.js";
import type { Job } from "./jobs.js";
import type { UnitPlace } from "./unit.js";

/** What a suite's chunk jobs share. */
export interface SuiteJobs extends ChunkedSuite {
  readonly branch: string;
  readonly harness: string | undefined;
  readonly spec: MergedJob;
  readonly merged: Merged;
  readonly runner: ResolvedHarness | undefined;
  readonly groupName: string | undefined;
  readonly tier: number;
}

/** The suite's jobs at `place` from its merged job: the symbol split once, the group's name looked up once. */
export function suiteJobs(
  tree: Tree,
  place: UnitPlace & { readonly harness: string | undefined },
  job: Pick<SuiteJobs, "spec" | "merged" | "runner">,
): SuiteJobs {
  const th = job.spec.treeherder;
  const split = splitSymbol(th.symbol);
  const group = th.group ?? split.group;
  return {
    branch: place.branch.name,
    platform: place.platform.name,
    buildType: place.buildType,
    suite: place.suite,
    harness: place.harness,
    chunks: job.spec.chunks,
    ...job,
    group,
    symbol: split.symbol,
    groupName: th["group-name"] ?? (group ? tree.settings.treeherderGroups[group] : undefined),
    tier: th.tier ?? 1,
  };
}

/** Chunk `chunk` of a suite's jobs (chunks share `spec` and `merged`). */
export function chunkJob(s: SuiteJobs, chunk: number): Job {
  return {
    label: jobLabel(s.platform, s.buildType, s.suite, chunk, s.chunks),
    branch: s.branch,
    platform: s.platform,
    buildType: s.buildType,
    suite: s.suite,
    harness: s.harness,
    chunk,
    chunks: s.chunks,
    spec: s.spec,
    merged: s.merged,
    runner: s.runner,
    treeherder: {
      group: s.group,
      symbol: chunkSymbol(s.symbol, chunk, s.chunks),
      fullSymbol: treeherderSymbol(s.group, s.symbol, chunk, s.chunks),
      groupName: s.groupName,
      tier: s.tier,
    },
  };
}

/**
 * `job` as chunk number `chunk` of its suite, which may be outside 1..chunks (a probe): the label and symbols are
 * what they would be, the rest is the suite's. A chunk's fields differ from another's only by its number.
 */
export function asChunk(job: Job, chunk: number): Job {
  // a copy, not chunkJob: rendering measured ~15% slower when probes came from the literal every job comes from
  const th = job.treeherder;
  const symbol = splitSymbol(job.spec.treeherder.symbol).symbol;
  return {
    ...job,
    label: jobLabel(job.platform, job.buildType, job.suite, chunk, job.chunks),
    chunk,
    treeherder: {
      ...th,
      symbol: chunkSymbol(symbol, chunk, job.chunks),
      fullSymbol: treeherderSymbol(th.group, symbol, chunk, job.chunks),
    },
  };
}
