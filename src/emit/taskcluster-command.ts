/**
 * What a TaskCluster test task runs: an argv, independent of the worker. Harness jobs run the mozharness script with
 * the shared invocation (`mozharness-args.ts`) plus the build's installer and test packages; generic jobs run their
 * own command. Both go through `run-task`, which checks out the pushed revision first. Nothing here builds a shell
 * string: the Windows payload quotes the argv itself (`taskcluster-payload.ts`).
 */
import type { Job } from "../expand.js";
import { type MozharnessInvocation, mozharnessArgv } from "./mozharness-args.js";
import { escapeTaskReference, type TaskReference, taskReference } from "./taskcluster-refs.js";

/** One argument: literal, or a URL naming the build task. */
export type Arg = string | TaskReference;

/** Where mozharness lives in the checkout. */
export const MOZHARNESS_DIR = "testing/mozharness";
export const QUEUE_URL = "https://queue.taskcluster.net/v1/task";

const INSTALLER: Record<string, string> = {
  linux: "target.tar.bz2",
  macosx: "target.dmg",
  windows: "target.zip",
  android: "target.apk",
};

/** A public artifact of the build task this job depends on. */
export function buildArtifact(name: string): TaskReference {
  return taskReference(`${QUEUE_URL}/<build>/artifacts/public/build/${escapeTaskReference(name)}`);
}

/** A harness job's mozharness command, run from the checkout root: the parts around its chunk arguments. */
export interface MozharnessCommandParts {
  readonly beforeChunk: readonly Arg[];
  readonly afterChunk: readonly Arg[];
  /** Where in `beforeChunk` the suite name carries the chunk (`--test-suite mochitest-3`), if it does. */
  readonly chunkedSuiteNameAt?: number;
}

/** The mozharness command of a harness job on an OS, around its chunk arguments (all a suite's chunks differ in). */
export function mozharnessCommandParts(
  inv: MozharnessInvocation,
  os: string,
  chunkInSuiteName = false,
): MozharnessCommandParts {
  const head = ["python2.7", "-u", `${MOZHARNESS_DIR}/${inv.script}`]; // python2.7 from the image's PATH, on every OS
  const args = mozharnessArgv({ ...inv, chunkArgs: [] });
  const suiteNameAt = head.length + inv.configFiles.length * 2 + 1;
  return {
    beforeChunk: [...head, ...args],
    ...(chunkInSuiteName && inv.suiteArgs.length ? { chunkedSuiteNameAt: suiteNameAt } : {}),
    // as 2015's TaskCluster jobs: no buildprops.json (buildbot wrote it); the build by URL instead
    afterChunk: [
      "--no-read-buildbot-config",
      "--installer-url",
      buildArtifact(INSTALLER[os] ?? "target.tar.bz2"),
      ...testsUrl(inv.script),
    ],
  };
}

/** The 2015 scripts that read `--test-packages-url`; the others (android_emulator_unittest.py,
 * web_platform_tests.py) download only what `--test-url` names. */
const READS_TEST_PACKAGES = new Set(["scripts/desktop_unittest.py", "scripts/marionette.py"]);

/** Where the tests are, as the script reads it: the test packages manifest, or the tests zip itself. */
function testsUrl(script: string): Arg[] {
  return READS_TEST_PACKAGES.has(script)
    ? ["--test-packages-url", buildArtifact("target.test_packages.json")]
    : ["--test-url", buildArtifact("target.tests.zip")];
}

/** A chunked generic job learns its chunk from `THIS_CHUNK` and `TOTAL_CHUNKS` (buildbot sets the same). */
export function genericChunkEnv(job: Job): Record<string, string> {
  return job.chunks > 1 ? { THIS_CHUNK: String(job.chunk), TOTAL_CHUNKS: String(job.chunks) } : {};
}

/** `dir/sub` without doubled or trailing separators; `sub` may be empty or `.`. */
export function joinPath(dir: string, sub: string | undefined): string {
  const base = dir.endsWith("/") ? dir.replace(/\/+$/, "") : dir;
  if (!sub || sub === ".") return base; // every task's working directory, mostly
  const parts = sub.split("/").filter((p) => p && p !== ".");
  return [base, ...parts].join("/");
}
