/** Stage 4, expand: for each branch, platform, build type and selected suite, merge the layers; one job per chunk. */

import type { MergedJob } from "../generated/types/index.js";
import { ajvDiagnostics } from "./ajv-errors.js";
import { type Code, type Diagnostic, error, type Position, type Related } from "./diagnostics.js";
import { type ChunkedSuite, PlatformClashes } from "./job-clashes.js";
import { LIMITS } from "./limits.js";
import { unknownMachKwargs } from "./mach-kwargs.js";
import { isOrigin, type Merged, type ProvenanceNode } from "./merge.js";
import { FieldMergeCache, MergeCache } from "./merge-cache.js";
import { type Branch, buildTypesOn, type Layer, type Platform, type Suite, type Tree } from "./model.js";
import { chunkSymbol, fullMatch, jobLabel, splitSymbol, treeherderSymbol } from "./names.js";
import type { ErrorObject } from "./schemas.js";
import type { PathSegment } from "./source.js";
import { byCodePoint } from "./values.js";
import type { JobPlace } from "./vocabulary.js";

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
}

const byPlatform = new WeakMap<BranchJobs, Map<string, Job[]>>();

/** The branch's jobs on one platform, in their order (grouped once per branch: every emitter asks per platform). */
export function jobsOn(branch: BranchJobs, platform: string): readonly Job[] {
  let groups = byPlatform.get(branch);
  if (!groups) {
    groups = new Map();
    for (const job of branch.jobs) {
      const list = groups.get(job.platform);
      if (list) list.push(job);
      else groups.set(job.platform, [job]);
    }
    byPlatform.set(branch, groups);
  }
  return groups.get(platform) ?? [];
}

export interface ExpandOptions {
  readonly branches?: readonly string[];
  /** Extra top layers (`--set`). */
  readonly overrides?: readonly Layer[];
}

export function expandTree(
  tree: Tree,
  options: ExpandOptions = {},
): { branches: BranchJobs[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const merges = newMerges();
  const branches = branchNames(tree, options).map((name): BranchJobs => {
    const branch = tree.branches.get(name)!;
    const platforms = branchPlatforms(tree, branch);
    const jobs: Job[] = [];
    const within = expandBranch(tree, branch, platforms, options.overrides ?? [], diagnostics, merges, (job) =>
      jobs.push(job),
    );
    return { branch, platforms, jobs: within === undefined ? [] : jobs };
  });
  return { branches, diagnostics };
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
  const diagnostics: Diagnostic[] = [];
  const merges = newMerges();
  let jobs = 0;
  for (const name of branchNames(tree, options)) {
    const branch = tree.branches.get(name)!;
    const platforms = branchPlatforms(tree, branch);
    const batch = options.onPlatform && platformBatches(branch, platforms, options.onPlatform);
    jobs += expandBranch(tree, branch, platforms, options.overrides ?? [], diagnostics, merges, batch?.add) ?? 0;
    batch?.flush();
  }
  return { jobs, diagnostics };
}

/**
 * Groups jobs, which come platform by platform in `platforms`' order, into one-platform branches handed to `use`,
 * every platform of the branch once, those without jobs too (an emitter checks a platform's settings regardless).
 */
function platformBatches(branch: Branch, platforms: readonly Platform[], use: (jobs: BranchJobs) => void) {
  let next = 0;
  let current: Job[] = [];
  const handOver = (upTo: number) => {
    for (; next < upTo; next++) {
      const platform = platforms[next]!;
      use({ branch, platforms: [platform], jobs: current[0]?.platform === platform.name ? current : [] });
    }
  };
  const add = (job: Job) => {
    if (current[0]?.platform !== job.platform) {
      handOver(platforms.findIndex((p) => p.name === job.platform));
      current = [];
    }
    current.push(job);
  };
  return { add, flush: () => handOver(platforms.length) };
}

function branchNames(tree: Tree, options: ExpandOptions): readonly string[] {
  return options.branches ?? [...tree.branches.keys()].sort();
}

function newMerges(): Merges {
  return { job: new MergeCache(), harness: new FieldMergeCache("harness"), runOn: new FieldMergeCache("run-on") };
}

/** The merges of one expansion, shared by its branches. */
interface Merges {
  readonly job: MergeCache;
  readonly harness: FieldMergeCache;
  readonly runOn: FieldMergeCache;
}

/** Below defaults.yml, taskgraph's defaults: a tree need not repeat them, and `explain` names them. */
export const BUILT_IN_LAYER: Layer = {
  kind: "built-in",
  file: undefined,
  path: [],
  value: { chunks: 1, "max-run-time": 3600, retry: { retries: 5 } },
};

function branchPlatforms(tree: Tree, branch: Branch): Platform[] {
  const res = branch.spec.platforms.map((p) => fullMatch(p));
  return [...tree.platforms.values()]
    .filter((p) => res.some((re) => re.test(p.name)))
    .sort((a, b) => byCodePoint(a.name, b.name));
}

function expandBranch(
  tree: Tree,
  branch: Branch,
  /** The branch's platforms, in order (`branchPlatforms`). */
  platforms: readonly Platform[],
  overrides: readonly Layer[],
  diagnostics: Diagnostic[],
  merges: Merges,
  /** Receives every job; without it, jobs are checked and counted only (no object per job). */
  onJob: ((job: Job) => void) | undefined,
): number | undefined {
  const excluded = (branch.spec["exclude-suites"] ?? []).map((p) => fullMatch(p));
  const suites = [...tree.suites.values()]
    .filter((s) => !excluded.some((re) => re.test(s.name)))
    .sort((a, b) => byCodePoint(a.name, b.name));
  let jobs = 0;
  const clashes = new Clashes(tree);
  const vocabulary = tree.vocabulary;
  const mergedJob = vocabulary.schemas.fileValidator("job");

  for (const platform of platforms) {
    const platformClashes = new PlatformClashes<SuiteJobs>();
    for (const buildType of buildTypesOn(platform, branch)) {
      for (const suite of suites) {
        const place = { branch, platform, buildType, suite: suite.name };
        const base = [tree.defaults.layer, platform.layer, suite.layer, branch.layer, ...overrides].filter(
          (l): l is Layer => l !== undefined,
        );
        const harnessOf = merges.harness.merge(base, vocabulary.contextOf(place));
        if (harnessOf.diagnostics.length) {
          diagnostics.push(...harnessOf.diagnostics);
          continue;
        }
        const harness = harnessOf.merged.value.harness as string | undefined;
        const ctx = vocabulary.contextOf({ ...place, harness });
        const layers = layersFor(tree, suite, platform, branch, harness, overrides);
        const runOn = merges.runOn.merge(layers, ctx);
        if (runOn.diagnostics.length) {
          diagnostics.push(...runOn.diagnostics);
          continue;
        }
        if (!selects(runOn.merged.value["run-on"] as RunOn | undefined, platform, buildType, branch.name)) continue;
        const { merged, diagnostics: mergeErrors } = merges.job.merge(layers, ctx);
        if (mergeErrors.length) {
          diagnostics.push(...mergeErrors);
          continue;
        }
        if (!mergedJob(merged.value)) {
          diagnostics.push(...mergedJobErrors(mergedJob.errors ?? [], merged, suite, place));
          continue;
        }
        const spec = merged.value as unknown as MergedJob;
        const kwargs = spec.mach?.kwargs as Record<string, unknown> | undefined;
        diagnostics.push(
          ...unknownMachKwargs(tree, harness, kwargs, suite.name, (path) => {
            return originAt(merged.provenance, path) ?? suite.file.positionOf([]);
          }),
        );
        const sj = suiteJobs(tree, branch.name, platform.name, buildType, suite.name, harness, spec, merged);
        platformClashes.add(sj);
        for (let chunk = 1; chunk <= sj.chunks; chunk++) {
          // a job is an object only when it is kept (compile) or clashes
          onJob?.(chunkJob(sj, chunk));
          if (++jobs > LIMITS.jobsPerBranch) {
            diagnostics.push(
              error(
                "JD043",
                `branch ${branch.name} has more than ${LIMITS.jobsPerBranch} jobs`,
                branch.file.positionOf([]),
              ),
            );
            return undefined;
          }
        }
      }
    }
    platformClashes.check((code, what, [s, chunk], [o, oChunk]) =>
      clashes.add(code, what, chunkJob(s, chunk), chunkJob(o, oChunk), SYMBOL_PATHS),
    );
  }
  diagnostics.push(...clashes.diagnostics());
  return jobs;
}

/** The merge order of SPEC §2: (built-in →) defaults → harness → platform → suite → branch → --set. */
export function layersFor(
  tree: Tree,
  suite: Suite,
  platform: Platform,
  branch: Branch,
  harness: string | undefined,
  overrides: readonly Layer[],
): Layer[] {
  const h = harness ? tree.harnesses.get(harness)?.layer : undefined;
  return [BUILT_IN_LAYER, tree.defaults.layer, h, platform.layer, suite.layer, branch.layer, ...overrides].filter(
    (l): l is Layer => l !== undefined,
  );
}

interface RunOn {
  platforms?: string[];
  "platform-tags"?: string[];
  "build-types"?: string[];
  branches?: string[];
}

/** No platform rule: every platform of the branch. Platforms and tags: either selects. */
function selects(runOn: RunOn | undefined, platform: Platform, buildType: string, branch: string): boolean {
  if (!runOn) return true;
  const byName = runOn.platforms?.some((p) => fullMatch(p).test(platform.name));
  const byTag = runOn["platform-tags"]?.some((t) => platform.spec.tags?.includes(t));
  if ((runOn.platforms || runOn["platform-tags"]) && !byName && !byTag) return false;
  if (runOn["build-types"] && !runOn["build-types"].includes(buildType)) return false;
  if (runOn.branches && !runOn.branches.some((b) => fullMatch(b).test(branch))) return false;
  return true;
}

/** One merged suite on a platform and build type: what its chunk jobs share. */
interface SuiteJobs extends ChunkedSuite {
  readonly branch: string;
  readonly harness: string | undefined;
  readonly spec: MergedJob;
  readonly merged: Merged;
  readonly groupName: string | undefined;
  readonly tier: number;
}

function suiteJobs(
  tree: Tree,
  branch: string,
  platform: string,
  buildType: string,
  suite: string,
  harness: string | undefined,
  spec: MergedJob,
  merged: Merged,
): SuiteJobs {
  const th = spec.treeherder;
  const split = splitSymbol(th.symbol);
  const group = th.group ?? split.group;
  return {
    branch,
    platform,
    buildType,
    suite,
    harness,
    chunks: spec.chunks,
    spec,
    merged,
    group,
    symbol: split.symbol,
    groupName: th["group-name"] ?? (group ? tree.settings.treeherderGroups[group] : undefined),
    tier: th.tier ?? 1,
  };
}

/** Chunk `chunk` of a suite's jobs (chunks share `spec` and `merged`). */
function chunkJob(s: SuiteJobs, chunk: number): Job {
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
    treeherder: {
      group: s.group,
      symbol: chunkSymbol(s.symbol, chunk, s.chunks),
      fullSymbol: treeherderSymbol(s.group, s.symbol, chunk, s.chunks),
      groupName: s.groupName,
      tier: s.tier,
    },
  };
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

/**
 * Clashes between two suites (labels, Treeherder symbols, builder names): one diagnostic per pair of suites and kind,
 * the first clash, and how many jobs share it. `paths` are the job fields to point at, first found wins.
 */
export class Clashes {
  private readonly byPair = new Map<string, { first: Diagnostic; count: number }>();
  constructor(private readonly tree: Tree) {}

  add(code: Code, what: string, job: Job, other: Job, paths: readonly (readonly string[])[]): void {
    const key = `${code}\0${job.suite}\0${other.suite}`;
    const seen = this.byPair.get(key);
    if (seen) {
      seen.count++;
      return;
    }
    const related: Related[] = [
      { ...jobPosition(this.tree, other, ...paths), message: `also from suite ${other.suite} (${other.label})` },
    ];
    const message = `${what} is produced by suite ${job.suite} and suite ${other.suite}`;
    this.byPair.set(key, { first: error(code, message, jobPosition(this.tree, job, ...paths), related), count: 1 });
  }

  diagnostics(): Diagnostic[] {
    return [...this.byPair.values()].map(({ first, count }) =>
      count > 1 ? { ...first, message: `${first.message} (and ${count - 1} more jobs of these two suites)` } : first,
    );
  }
}

const SYMBOL_PATHS = [["treeherder", "symbol"]] as const;

/** Where a job's value came from: the first of `paths` some layer set, else the top of the suite's file. */
export function jobPosition(tree: Tree, job: Job, ...paths: readonly (readonly string[])[]): Position {
  for (const path of paths) {
    const at = originAt(job.merged.provenance, path);
    if (at) return at;
  }
  return tree.suites.get(job.suite)!.file.positionOf([]);
}

/** Position of the leaf at `path` of a merged job, through its provenance. */
export function originAt(prov: Readonly<Record<string, ProvenanceNode>>, path: readonly string[]) {
  let node: ProvenanceNode | undefined = prov as ProvenanceNode;
  for (const seg of path) {
    if (node === undefined || isOrigin(node)) break;
    node = (node as Record<string, ProvenanceNode>)[seg];
  }
  if (!isOrigin(node) || !node.file) return undefined;
  return node.file.positionOf(node.path);
}

function mergedJobErrors(errors: ErrorObject[], merged: Merged, suite: Suite, place: JobPlace): Diagnostic[] {
  const where = `${place.platform.name}/${place.buildType} on ${place.branch.name}`;
  const locate = (path: PathSegment[]) => originAt(merged.provenance, path.map(String)) ?? suite.file.positionOf(path);
  return ajvDiagnostics(errors, locate, [], "the merged job").map((d) => ({
    ...d,
    code: d.code === "JD034" ? d.code : "JD035",
    message: `suite ${suite.name} (${where}): ${d.message}`,
  }));
}
