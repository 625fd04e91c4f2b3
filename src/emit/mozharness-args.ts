/**
 * How a scheduler invokes mozharness for one job: the same script, config files and arguments whether TaskCluster
 * or buildbot runs it, so both run exactly what the generated mozharness config describes.
 */
import type { Job } from "../expand.js";
import type { Tree } from "../model.js";

export interface MozharnessInvocation {
  /** The mozharness script, relative to the mozharness checkout (e.g. `scripts/desktop_unittest.py`). */
  readonly script: string;
  /** `--cfg` files in load order: the platform's own, then the generated config of the job's branch and platform. */
  readonly configFiles: readonly string[];
  /** Selects the suite: `[--mochitest-suite, plain-chunked]`; empty for harnesses with a script of their own. */
  readonly suiteArgs: readonly string[];
  /** The suite's extra arguments. */
  readonly extraArgs: readonly string[];
  /** `--download-symbols <how>` when the suite sets it. */
  readonly symbolsArgs: readonly string[];
  /** `--blob-upload-branch <branch>` when the suite uploads through blobber (buildbot: its `blob_upload` key). */
  readonly blobUploadArgs: readonly string[];
  /** `[--total-chunks, N, --this-chunk, i]` when the job is chunked, else empty (buildbot: added per builder). */
  readonly chunkArgs: readonly string[];
}

/** The mozharness config of a branch's platform, relative to the generated directory, without extension. */
export function mozharnessConfigFile(branch: string, platform: string): string {
  return `mozharness/${branch}/${platform}`;
}

/** The in-tree config of a branch's platform (what a build ships in its tests zip), relative to the generated directory. */
export function inTreeConfigFile(branch: string, platform: string): string {
  return `mozharness/${branch}/in-tree/${platform}_config`;
}

/**
 * Path, relative to the tree root, of the generated mozharness config a job's command loads: the Python twin, as
 * 2015's configs were Python (mozharness reads a JSON config into unicode strings, which Python 2 mozharness
 * refuses in places, e.g. `query_exe`).
 */
export function generatedConfigPath(tree: Tree, branch: string, platform: string): string {
  return `${tree.settings.generatedDir}/${mozharnessConfigFile(branch, platform)}.py`;
}

/** `--cfg` files of a branch's platform, in load order: the platform's own, then the generated config. */
export function mozharnessConfigFiles(tree: Tree, branch: string, platform: string): string[] {
  return [
    ...(tree.platforms.get(platform)?.spec.mozharness?.["config-files"] ?? []),
    generatedConfigPath(tree, branch, platform),
  ];
}

/** The key of the job's suite in `all_<harness>_suites`. */
export function mozharnessSuiteName(job: Job): string {
  return job.spec.mozharness?.["suite-name"] ?? job.suite;
}

/** Whether mozharness gets chunk arguments: `mozharness.chunked`, else whenever there is more than one chunk. */
export function isChunked(job: Job): boolean {
  return job.spec.mozharness?.chunked ?? job.chunks > 1;
}

/** Whether the script reads the job's suite and chunk from `test_suite_definitions` (android_emulator_unittest.py). */
export function usesTestSuiteDefinitions(job: Job): boolean {
  return job.spec.mozharness?.["test-suite-definitions"] === true;
}

/**
 * The in-tree category of a job that reads `test_suite_definitions`, when it is not the harness
 * (`mozharness.category`): that in-tree entry holds the chunk count and the suite's options.
 */
export function ownCategory(job: Job): string | undefined {
  const category = job.spec.mozharness?.category;
  return usesTestSuiteDefinitions(job) && category !== job.harness ? category : undefined;
}

/** The job's `test_suite_definitions` key: `<suite-name>-<chunk>` when chunked, else the suite name. */
export function testSuiteDefinitionName(job: Job): string {
  return isChunked(job) ? `${mozharnessSuiteName(job)}-${job.chunk}` : mozharnessSuiteName(job);
}

/** The invocation of a harness job (generic jobs run their own command instead). */
export function mozharnessInvocation(tree: Tree, job: Job): MozharnessInvocation {
  if (!job.harness) throw new Error(`job ${job.label} is generic: it has no mozharness invocation`);
  const suiteArg = job.runner?.suiteArg;
  const symbols = job.spec.mozharness?.["download-symbols"];
  return {
    script: mozharnessScript(job),
    configFiles: mozharnessConfigFiles(tree, job.branch, job.platform),
    suiteArgs: !suiteArg
      ? []
      : [suiteArg, usesTestSuiteDefinitions(job) ? testSuiteDefinitionName(job) : mozharnessSuiteName(job)],
    extraArgs: job.spec.mozharness?.["extra-args"] ?? [],
    symbolsArgs: symbols === undefined || symbols === false ? [] : ["--download-symbols", String(symbols)],
    blobUploadArgs: job.spec.mozharness?.["blob-upload"] ? ["--blob-upload-branch", job.branch] : [],
    chunkArgs: mozharnessChunkArgs(job),
  };
}

/**
 * `[--total-chunks, N, --this-chunk, i]` when mozharness gets chunk arguments, else empty; empty too when the chunk
 * is in the suite name (`test_suite_definitions` hold its chunk arguments).
 */
export function mozharnessChunkArgs(job: Job): string[] {
  if (usesTestSuiteDefinitions(job)) return [];
  return isChunked(job) ? ["--total-chunks", String(job.chunks), "--this-chunk", String(job.chunk)] : [];
}

/**
 * The arguments after the script, in the one order every scheduler uses: `--cfg` per config file, the suite, the
 * extra arguments, symbols, blob upload, and the chunk last (buildbot's loader can only add those two per builder).
 */
export function mozharnessArgv(inv: MozharnessInvocation): string[] {
  return [
    ...inv.configFiles.flatMap((c) => ["--cfg", c]),
    ...inv.suiteArgs,
    ...inv.extraArgs,
    ...inv.symbolsArgs,
    ...inv.blobUploadArgs,
    ...inv.chunkArgs,
  ];
}

/** The job's mozharness script: the merged job's schema requires one of a harness job, and no code supplies one. */
function mozharnessScript(job: Job): string {
  const script = job.spec.mozharness?.script;
  if (!script) throw new Error(`job ${job.label} has no mozharness.script, which the merged job's schema requires`);
  return script;
}
