/** Stage 4, expand: for each branch, platform, build type and selected suite, merge the layers; one job per chunk. */

import type { MergedJob } from "../generated/types/index.js";
import { ajvDiagnostics } from "./ajv-errors.js";
import type { BranchUnits, StoredUnit, UnitStore } from "./cache/unit-store.js";
import { type Code, type Diagnostic, error, type Position, type Related } from "./diagnostics.js";
import { type ChunkedSuite, PlatformClashes } from "./job-clashes.js";
import type { JobContext } from "./keyed-by.js";
import { LIMITS } from "./limits.js";
import { unknownMachKwargs } from "./mach-kwargs.js";
import { isOrigin, type Merged, MergePaths, type MergeResult, mergeLayers, type ProvenanceNode } from "./merge.js";
import { FieldMergeCache, MergeCache } from "./merge-cache.js";
import { type Branch, buildTypesOn, type Layer, type Platform, type Suite, type Tree } from "./model.js";
import { chunkSymbol, jobLabel, type Patterns, splitSymbol, treeherderSymbol } from "./names.js";
import { type PlatformSettings, type ResolvedHarness, resolvePlatformSettings } from "./platform-settings.js";
import type { ErrorObject, ValidateFunction } from "./schemas.js";
import type { PathSegment } from "./source.js";
import { unsetKeys } from "./unset-keys.js";
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

export interface ExpandOptions {
  readonly branches?: readonly string[];
  /** Extra top layers (`--set`). */
  readonly overrides?: readonly Layer[];
  /** Merge every job from all its layers, sharing nothing: the reference the shared merges are tested against. */
  readonly reference?: boolean;
  /** Units expanded by earlier runs, reused where their key is unchanged (the CLI's cache; src/cache/unit-store.ts). */
  readonly units?: UnitStore;
}

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
    const run = expansion.branch(name, {
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
    const run = expansion.branch(name, {
      onJob: use && ((job) => current.push(job)),
      onPlatform:
        use &&
        ((platform, settings) => {
          const branch = tree.branches.get(name)!;
          use({
            branch,
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

/** Merges one job's layers (the whole job, or one field deciding whether and how it exists). */
interface JobMerger {
  merge(layers: readonly Layer[], ctx: JobContext): MergeResult;
}

/** The merges of one expansion, shared by its branches. */
interface Merges {
  readonly job: JobMerger;
  readonly harness: JobMerger;
  readonly runOn: JobMerger;
}

/** The reference merges each job from all its layers, sharing nothing; the others share what jobs have in common. */
function newMerges(reference: boolean, patterns: Patterns): Merges {
  if (reference)
    return {
      job: { merge: (layers, ctx) => mergeLayers(layers, ctx) },
      harness: { merge: (layers, ctx) => mergeLayers(layers, ctx, "harness") },
      runOn: { merge: (layers, ctx) => mergeLayers(layers, ctx, "run-on") },
    };
  const paths = new MergePaths(patterns);
  return {
    job: new MergeCache(paths),
    harness: new FieldMergeCache("harness", paths),
    runOn: new FieldMergeCache("run-on", paths),
  };
}

/**
 * Below defaults.yml, taskgraph's defaults and the script of 2015's desktop suites: a tree need not repeat them, and
 * `explain` names them. A layer that sets one to null unsets it, and a key the job needs is then JD035 at the null.
 */
export const BUILT_IN_LAYER: Layer = {
  kind: "built-in",
  file: undefined,
  path: [],
  value: {
    chunks: 1,
    "max-run-time": 3600,
    retry: { retries: 5 },
    mozharness: { script: "scripts/desktop_unittest.py" },
  },
};

/** What a branch's expansion hands on: every job, and each platform's settings once its jobs are done. */
interface BranchHandlers {
  /** Without it, jobs are checked and counted only (no object per job). */
  readonly onJob?: (job: Job) => void;
  readonly onPlatform?: (platform: Platform, settings: PlatformSettings) => void;
}

/** One expansion of a tree: what its branches share (merges, the merged-job validator) and its diagnostics. */
class Expansion {
  readonly diagnostics: Diagnostic[] = [];
  /** Positions of nulls reported as unsetting a needed key: one diagnostic each, not one per job. */
  readonly unsetReported = new Set<string>();
  readonly merges: Merges;
  readonly mergedJob: ValidateFunction;
  readonly overrides: readonly Layer[];
  readonly units: UnitStore | undefined;

  constructor(
    readonly tree: Tree,
    options: ExpandOptions,
  ) {
    this.merges = newMerges(options.reference ?? false, tree.patterns);
    this.mergedJob = tree.vocabulary.schemas.fileValidator("job");
    this.overrides = options.overrides ?? [];
    this.units = options.reference ? undefined : options.units;
  }

  /** Expands one branch: its platforms, and the job count (undefined past the job limit). */
  branch(name: string, handlers: BranchHandlers): { branch: Branch; platforms: Platform[]; jobs: number | undefined } {
    const branch = this.tree.branches.get(name)!;
    const platforms = branchPlatforms(this.tree, branch);
    const jobs = new BranchExpansion(this, branch, handlers).expand(platforms);
    return { branch, platforms, jobs };
  }
}

/** The platforms a branch runs, by name. */
export function branchPlatforms(tree: Tree, branch: Branch): Platform[] {
  const res = branch.spec.platforms.map((p) => tree.patterns.fullMatch(p));
  return [...tree.platforms.values()]
    .filter((p) => res.some((re) => re.test(p.name)))
    .sort((a, b) => byCodePoint(a.name, b.name));
}

/** The expansion of one branch: platform by platform, each build type × each suite the branch does not exclude. */
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
    const excluded = (branch.spec["exclude-suites"] ?? []).map((p) => run.tree.patterns.fullMatch(p));
    this.suites = [...run.tree.suites.values()]
      .filter((s) => !excluded.some((re) => re.test(s.name)))
      .sort((a, b) => byCodePoint(a.name, b.name));
    this.clashes = new Clashes(run.tree);
  }

  /** The number of jobs, or undefined once past the job limit. */
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
    const used = new Set<string>();
    for (const buildType of buildTypesOn(platform, this.branch)) {
      for (const suite of this.suites) {
        const place = { branch: this.branch, platform, buildType, suite: suite.name };
        const sj = this.suiteJobs(place, suite, resolution.settings);
        if (!sj) continue;
        if (sj.harness) used.add(sj.harness);
        platformClashes.add(sj);
        if (!this.chunks(sj)) return false;
      }
    }
    platformClashes.check((code, what, [s, chunk], [o, oChunk]) =>
      this.clashes.add(code, what, chunkJob(s, chunk), chunkJob(o, oChunk), SYMBOL_PATHS),
    );
    this.run.diagnostics.push(...resolution.diagnostics);
    for (const harness of used) this.run.diagnostics.push(...(resolution.harnessDiagnostics.get(harness) ?? []));
    this.handlers.onPlatform?.(platform, resolution.settings);
    return true;
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

  /**
   * The suite's job at `place`, merged and checked; undefined where it does not run or has diagnostics (reported).
   * `harness` and then `run-on` are merged first, so fields of suites that do not run somewhere are never resolved
   * there.
   */
  private suiteJobs(place: JobPlace & { buildType: string; suite: string }, suite: Suite, settings: PlatformSettings) {
    const units = this.units;
    if (!units) return this.expandSuite(place, suite, settings);
    const unit = { platform: place.platform.name, buildType: place.buildType, suite: suite.name };
    const key = units.key(unit);
    const stored = units.get(unit, key);
    if (stored === null) return undefined;
    if (stored) return this.storedSuite(place, suite, settings, stored);
    const reported = this.run.diagnostics.length;
    let runs = false;
    const sj = this.expandSuite(place, suite, settings, () => {
      runs = true;
    });
    // a unit that raised anything is expanded again next time, so its diagnostics are too
    if (this.run.diagnostics.length === reported && (sj || !runs))
      units.put(unit, key, sj ? { harness: sj.harness, spec: sj.spec as unknown as Record<string, unknown> } : null);
    return sj;
  }

  /** A unit read back: its job's value as kept, its provenance merged again only if something asks for it. */
  private storedSuite(
    place: JobPlace & { buildType: string; suite: string },
    suite: Suite,
    settings: PlatformSettings,
    stored: NonNullable<StoredUnit>,
  ): SuiteJobs {
    const { tree, merges, overrides } = this.run;
    const harness = stored.harness;
    const spec = stored.spec as unknown as MergedJob;
    const layers = layersFor(tree, suite, place.platform, this.branch, harness, overrides);
    const ctx = tree.vocabulary.contextOf({ ...place, harness });
    let provenance: Merged["provenance"] | undefined;
    const merged: Merged = {
      value: stored.spec,
      get provenance() {
        provenance ??= merges.job.merge(layers, ctx).merged.provenance;
        return provenance;
      },
    };
    const runner = harness === undefined ? undefined : settings.runners.get(harness);
    return suiteJobs(tree, { ...place, harness }, { spec, merged, runner });
  }

  private expandSuite(
    place: JobPlace & { buildType: string; suite: string },
    suite: Suite,
    settings: PlatformSettings,
    onSelected?: () => void,
  ) {
    const { tree, merges, overrides } = this.run;
    const vocabulary = tree.vocabulary;
    const base = [tree.defaults.layer, place.platform.layer, suite.layer, this.branch.layer, ...overrides];
    const harnessOf = merges.harness.merge(
      base.filter((l): l is Layer => l !== undefined),
      vocabulary.contextOf(place),
    );
    if (this.failed(harnessOf)) return undefined;
    const harness = harnessOf.merged.value.harness as string | undefined;
    const ctx = vocabulary.contextOf({ ...place, harness });
    const layers = layersFor(tree, suite, place.platform, this.branch, harness, overrides);
    const runOn = merges.runOn.merge(layers, ctx);
    if (this.failed(runOn)) return undefined;
    const rules = runOn.merged.value["run-on"] as RunOn | undefined;
    if (!selects(rules, place, tree.patterns)) return undefined;
    onSelected?.();
    const job = merges.job.merge(layers, ctx);
    if (this.failed(job)) return undefined;
    const { merged } = job;
    if (!this.run.mergedJob(merged.value)) {
      this.run.diagnostics.push(
        ...mergedJobErrors(this.run.mergedJob.errors ?? [], merged, suite, place, layers, this.run.unsetReported),
      );
      return undefined;
    }
    const spec = merged.value as unknown as MergedJob;
    const kwargs = spec.mach?.kwargs as Record<string, unknown> | undefined;
    const at = (path: readonly string[]) => originAt(merged.provenance, path) ?? suite.file.positionOf([]);
    this.run.diagnostics.push(...unknownMachKwargs(tree, harness, kwargs, suite.name, at));
    const runner = harness === undefined ? undefined : settings.runners.get(harness);
    return suiteJobs(tree, { ...place, harness }, { spec, merged, runner });
  }

  /** Whether a merge has diagnostics, which are reported. */
  private failed(result: MergeResult): boolean {
    if (!result.diagnostics.length) return false;
    this.run.diagnostics.push(...result.diagnostics);
    return true;
  }
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
function selects(runOn: RunOn | undefined, place: JobPlace & { buildType: string }, patterns: Patterns): boolean {
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

/** One merged suite on a platform and build type: what its chunk jobs share. */
interface SuiteJobs extends ChunkedSuite {
  readonly branch: string;
  readonly harness: string | undefined;
  readonly spec: MergedJob;
  readonly merged: Merged;
  readonly runner: ResolvedHarness | undefined;
  readonly groupName: string | undefined;
  readonly tier: number;
}

function suiteJobs(
  tree: Tree,
  place: JobPlace & { readonly buildType: string; readonly suite: string },
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

function mergedJobErrors(
  errors: ErrorObject[],
  merged: Merged,
  suite: Suite,
  place: JobPlace,
  layers: readonly Layer[],
  unsetReported: Set<string>,
): Diagnostic[] {
  const where = `${place.platform.name}/${place.buildType} on ${place.branch.name}`;
  const locate = (path: PathSegment[]) => originAt(merged.provenance, path.map(String)) ?? suite.file.positionOf(path);
  const { unset, rest } = unsetKeys(errors, layers);
  const firstTime = ({ at }: { at: Position }) => {
    const key = `${at.file}:${at.line}:${at.column}`;
    if (unsetReported.has(key)) return false;
    unsetReported.add(key);
    return true;
  };
  const unsetErrors = unset
    .filter(firstTime)
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
