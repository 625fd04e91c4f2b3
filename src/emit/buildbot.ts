/**
 * The buildbot target: per branch, `buildbot/<branch>.json` (+ a literal-only `.py` twin) in the shape of
 * buildbot-configs' mozilla-tests: per platform, `<build type>_unittest_suites` lists of `[name, {...}]` pairs and
 * `suite_config.config_files`. As in buildbot-configs, an entry with `totalChunks: N` becomes N builders and the
 * loader (`integrations/buildbot/jobdef_buildbot.py`) adds `--total-chunks N --this-chunk i` per builder, and
 * `blob_upload` becomes `--blob-upload-branch <branch>`; every other argument is in `extra_args`. Only jobs whose
 * `scheduler` is buildbot or both are written.
 */
import type { Diagnostic } from "../diagnostics.js";
import { type BranchJobs, Clashes, type Job, jobsOn } from "../expand.js";
import { chunkedNameKey } from "../job-clashes.js";
import type { Platform, Tree } from "../model.js";
import { runsOn } from "../schedulers.js";
import { definedEntries } from "../values.js";
import { type Form, type Section, sectionText, writeBranchConfig } from "./buildbot-text.js";
import { isChunked, mozharnessConfigFiles, mozharnessInvocation, usesTestSuiteDefinitions } from "./mozharness-args.js";
import { streamedFile } from "./output-file.js";
import type { EmitInput, OutputFile } from "./types.js";

type SuiteEntry = [string, Record<string, unknown>];

/**
 * Emits the branch's buildbot suite lists, as JSON and as a Python twin, written section by section (a platform's
 * section copied from the last output where what it is made of is unchanged: buildbot-text.ts).
 */
export function emitBuildbot(input: EmitInput): OutputFile[] {
  const { tree, branch } = input;
  checkBuildbot(input);
  const base = `buildbot/${branch.branch.name}`;
  const head = { branch: branch.branch.name, repository: branch.branch.spec.repository };
  const sections = branch.platforms.map((platform): Section => {
    let value: Record<string, unknown> | undefined;
    const jobs = jobsOn(branch, platform.name);
    return {
      name: platform.name,
      key: input.platformFiles?.keyOf("buildbot", tree, branch.branch, platform.name, jobs),
      text: (form) => {
        value ??= platformConfig(tree, branch, platform);
        return sectionText(form, value);
      },
    };
  });
  const file = (path: string, form: Form) =>
    streamedFile(path, (out) => {
      const pieces = input.reference ? undefined : input.pieces?.of(path, tree, branch.branch)?.file;
      writeBranchConfig(out, form, head, sections, pieces);
    });
  return [file(`${base}.json`, "json"), file(`${base}.py`, "python")];
}

/** What the buildbot target refuses (JD045), without rendering. */
export function checkBuildbot({ tree, branch, report }: EmitInput): void {
  builderNameClashes(tree, branch).forEach(report);
}

/** The branch's buildbot config value. */
export function buildbotConfig(tree: Tree, branchJobs: BranchJobs): Record<string, unknown> {
  const platforms: Record<string, Record<string, unknown>> = {};
  for (const platform of branchJobs.platforms) platforms[platform.name] = platformConfig(tree, branchJobs, platform);
  return { branch: branchJobs.branch.name, repository: branchJobs.branch.spec.repository, platforms };
}

function platformConfig(tree: Tree, branchJobs: BranchJobs, platform: Platform): Record<string, unknown> {
  const onPlatform = jobsOn(branchJobs, platform.name).filter((j) => runsOn(j, "buildbot"));
  const buildTypes = [...new Set(onPlatform.map((j) => j.buildType))];
  const config: Record<string, unknown> = {
    slave_platform: platform.spec.buildbot?.["slave-platform"] ?? platform.name,
    build_types: buildTypes,
    suite_config: {
      config_files: mozharnessConfigFiles(tree, branchJobs.branch.name, platform.name),
    },
  };
  for (const bt of buildTypes)
    config[`${bt}_unittest_suites`] = onPlatform
      .filter((j) => j.buildType === bt && (j.chunk === 1 || chunkInSuiteName(j)))
      .map((j) => suiteEntry(tree, j));
  return config;
}

/**
 * A job whose chunk is in its mozharness suite name (`--test-suite mochitest-3`) is one builder of its own, as
 * buildbot-configs listed Android's chunks: `<name>-<chunk>` with `this_chunk`/`total_chunks` (which name the job's
 * label) instead of `totalChunks` (which would make the loader add chunk arguments).
 */
function chunkInSuiteName(job: Job): boolean {
  return job.chunks > 1 && !job.spec.generic && usesTestSuiteDefinitions(job);
}

function suiteEntry(tree: Tree, job: Job): SuiteEntry {
  const entry: Record<string, unknown> = { suite: job.suite, script_maxtime: job.spec["max-run-time"] };
  if (chunkInSuiteName(job)) Object.assign(entry, { this_chunk: job.chunk, total_chunks: job.chunks });
  else if (job.chunks > 1) entry.totalChunks = job.chunks;
  if (job.spec.buildbot?.timeout !== undefined) entry.timeout = job.spec.buildbot.timeout;
  const generic = job.spec.generic;
  if (generic) {
    Object.assign(entry, { use_mozharness: false, command: generic.command, cwd: generic.cwd ?? "." });
    const env = { ...definedEntries(job.spec.env), ...definedEntries(generic.env) };
    // with totalChunks, the loader adds THIS_CHUNK and TOTAL_CHUNKS per builder, as TaskCluster sets them
    if (Object.keys(env).length) entry.env = env;
  } else {
    const inv = mozharnessInvocation(tree, job);
    // mozharnessArgv's order: the loader appends --blob-upload-branch (from blob_upload) and the chunk
    const extraArgs = [...inv.suiteArgs, ...inv.extraArgs, ...inv.symbolsArgs];
    Object.assign(entry, { use_mozharness: true, script_path: inv.script });
    // as buildbot-configs wrote them: keys whose value is buildbot's default (no arguments, no blob upload) left out
    if (extraArgs.length) entry.extra_args = extraArgs;
    if (job.spec.mozharness?.["blob-upload"]) entry.blob_upload = true;
    if (job.spec.mozharness?.["download-symbols"] === false) entry.download_symbols = false;
    // buildbot-configs chunks whenever totalChunks is set; say so when mozharness disagrees
    if (!chunkInSuiteName(job) && isChunked(job) !== job.chunks > 1) entry.chunk_args = isChunked(job);
    const env = definedEntries(job.spec.env);
    if (Object.keys(env).length) entry.env = env;
  }
  return [chunkInSuiteName(job) ? `${builderSuiteName(job)}-${job.chunk}` : builderSuiteName(job), entry];
}

/** The name of a job's suite in buildbot's lists; its builders are `<name>` or `<name>-<chunk>`. */
function builderSuiteName(job: Job): string {
  return job.spec.buildbot?.name ?? job.suite;
}

/**
 * Two suites giving one builder name on a platform and build type (the same `buildbot.name`, or `x-1` beside a
 * chunked `x`): a buildbot master refuses the config, so compile refuses it first.
 */
function builderNameClashes(tree: Tree, branch: BranchJobs): Diagnostic[] {
  if (!buildersMayClash(branch)) return [];
  const clashes = new Clashes(tree);
  const seen = new Map<string, Job>();
  for (const job of branch.jobs) {
    if (!runsOn(job, "buildbot")) continue;
    const name = `${builderSuiteName(job)}${job.chunks > 1 ? `-${job.chunk}` : ""}`;
    const key = `${job.platform}/${job.buildType} ${name}`;
    const other = seen.get(key);
    if (!other) seen.set(key, job);
    else if (other.suite !== job.suite)
      clashes.add("JD045", `buildbot builder ${name} on ${job.platform}/${job.buildType}`, job, other, [
        ["buildbot", "name"],
      ]);
  }
  return clashes.diagnostics();
}

/**
 * Whether two suites on one platform and build type have one builder-name key (`chunkedNameKey`). Equal names
 * have equal keys and all builders of a suite one key, so without a shared key there is no clash, and the check per
 * builder is skipped.
 */
function buildersMayClash(branch: BranchJobs): boolean {
  const keys = new Set<string>();
  for (const job of branch.jobs) {
    if (job.chunk !== 1 || !runsOn(job, "buildbot")) continue;
    const key = `${job.platform}/${job.buildType} ${chunkedNameKey(builderSuiteName(job), job.chunks)}`;
    if (keys.has(key)) return true;
    keys.add(key);
  }
  return false;
}
