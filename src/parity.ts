/**
 * `jobdef parity`: which jobs of a branch run on buildbot, on TaskCluster or on both, and whether the two run them
 * alike. It reads the two emitted outputs as their consumers do: buildbot's suite tuples as the loader
 * (`integrations/buildbot/jobdef_buildbot.py`) turns them into builders (`totalChunks` → one builder per chunk,
 * `blob_upload` → `--blob-upload-branch`), and each TaskCluster task's command after `run-task`'s `--`, decoded from
 * the Windows command line where generic-worker runs one. TaskCluster's `--no-read-buildbot-config`,
 * `--installer-url` and `--test-packages-url` (buildbot passes the build through its properties) and the interpreter are left out of the comparison.
 */
import { buildbotConfig } from "./emit/buildbot.js";
import { type GraphEntry, taskGraph } from "./emit/taskcluster.js";
import type { BranchJobs } from "./expand.js";
import type { Tree } from "./model.js";
import { jobLabel } from "./names.js";
import { byCodePoint } from "./values.js";
import { decodeWindowsLine } from "./windows-command-line.js";

/** What one scheduler runs for one job. */
export interface ScheduledJob {
  readonly platform: string;
  readonly script?: string;
  readonly argv: readonly string[];
  readonly chunks: number;
  readonly maxRunTime?: number;
}

export type ParityField = "script" | "argv" | "chunks" | "max-run-time";

export interface ParityDifference {
  readonly field: ParityField;
  readonly buildbot: unknown;
  readonly taskcluster: unknown;
}

export interface ParityJob {
  readonly label: string;
  readonly platform: string;
  readonly on: "both" | "buildbot" | "taskcluster";
  readonly differences: readonly ParityDifference[];
}

export interface BranchParity {
  readonly branch: string;
  readonly jobs: readonly ParityJob[];
}

/** The parity of one compiled branch. */
export function branchParity(tree: Tree, branch: BranchJobs): BranchParity {
  const buildbot = buildbotJobs(buildbotConfig(tree, branch), branch.branch.name);
  const taskcluster = taskclusterJobs(taskGraph(tree, branch));
  return { branch: branch.branch.name, jobs: compareSchedulers(buildbot, taskcluster) };
}

/** Matches the two schedulers' jobs by label and lists what differs between those on both. */
export function compareSchedulers(
  buildbot: ReadonlyMap<string, ScheduledJob>,
  taskcluster: ReadonlyMap<string, ScheduledJob>,
): ParityJob[] {
  const labels = [...new Set([...buildbot.keys(), ...taskcluster.keys()])].sort(byCodePoint);
  return labels.map((label) => {
    const b = buildbot.get(label);
    const t = taskcluster.get(label);
    const platform = (b ?? t)!.platform;
    if (!b) return { label, platform, on: "taskcluster", differences: [] };
    if (!t) return { label, platform, on: "buildbot", differences: [] };
    return { label, platform, on: "both", differences: differences(b, t) };
  });
}

function differences(b: ScheduledJob, t: ScheduledJob): ParityDifference[] {
  const pairs: [ParityField, unknown, unknown][] = [
    ["script", b.script, t.script],
    ["argv", b.argv, t.argv],
    ["chunks", b.chunks, t.chunks],
    ["max-run-time", b.maxRunTime, t.maxRunTime],
  ];
  return pairs
    .filter(([, x, y]) => JSON.stringify(x) !== JSON.stringify(y))
    .map(([field, x, y]) => ({ field, buildbot: x, taskcluster: y }));
}

type Obj = Record<string, unknown>;

/** Buildbot's builders of a branch's buildbot output, by the label of the job each runs. */
export function buildbotJobs(config: Obj, branch: string): Map<string, ScheduledJob> {
  const jobs = new Map<string, ScheduledJob>();
  for (const [platform, p] of Object.entries(config.platforms as Record<string, Obj>)) {
    const configFiles = ((p.suite_config as Obj).config_files as string[]).flatMap((c) => ["--cfg", c]);
    for (const buildType of p.build_types as string[]) {
      for (const [, entry] of (p[`${buildType}_unittest_suites`] ?? []) as [string, Obj][]) {
        const chunks = (entry.totalChunks as number | undefined) ?? 1;
        const chunkArgs = (entry.chunk_args as boolean | undefined) ?? entry.totalChunks !== undefined;
        for (let chunk = 1; chunk <= chunks; chunk++) {
          // one chunk of a suite listed per chunk (Android's --test-suite mochitest-3) names its chunk itself
          const jobChunk = (entry.this_chunk as number | undefined) ?? chunk;
          const jobChunks = (entry.total_chunks as number | undefined) ?? chunks;
          const label = jobLabel(platform, buildType, entry.suite as string, jobChunk, jobChunks);
          const argv = entry.use_mozharness
            ? [
                ...configFiles,
                ...((entry.extra_args as string[] | undefined) ?? []),
                ...(entry.blob_upload ? ["--blob-upload-branch", branch] : []),
                ...(chunkArgs ? ["--total-chunks", String(chunks), "--this-chunk", String(chunk)] : []),
              ]
            : [...(entry.command as string[])];
          const script = entry.use_mozharness ? (entry.script_path as string) : undefined;
          jobs.set(label, {
            platform,
            script,
            argv,
            chunks: jobChunks,
            maxRunTime: entry.script_maxtime as number | undefined,
          });
        }
      }
    }
  }
  return jobs;
}

/** TaskCluster's tasks of a branch's graph, by label. */
export function taskclusterJobs(graph: Record<string, GraphEntry>): Map<string, ScheduledJob> {
  const jobs = new Map<string, ScheduledJob>();
  for (const [label, entry] of Object.entries(graph)) {
    const attributes = entry.attributes as Obj;
    const payload = entry.task.payload as Obj;
    const after = commandAfterRunTask(payload.command);
    const harness = !attributes.generic;
    jobs.set(label, {
      platform: attributes.platform as string,
      // python, -u, testing/mozharness/<script>, then mozharness's arguments
      script: harness ? after[2]?.replace(/^testing\/mozharness\//, "") : undefined,
      argv: harness ? withoutBuildUrls(after.slice(3)) : after,
      chunks: attributes.total_chunks as number,
      maxRunTime: payload.maxRunTime as number | undefined,
    });
  }
  return jobs;
}

/** A payload's command as one argv (task references as their text), from after run-task's `--`. */
function commandAfterRunTask(command: unknown): string[] {
  const text = (a: unknown) => (typeof a === "string" ? a : String((a as Obj)["task-reference"]));
  const list = (command ?? []) as unknown[];
  let argv: string[];
  if (Array.isArray(list[0])) argv = (list[0] as unknown[]).map(text);
  else if (list.length === 1) argv = decodeWindowsLine(text(list[0]));
  else argv = list.map(text);
  const dashes = argv.indexOf("--");
  return dashes < 0 ? argv : argv.slice(dashes + 1);
}

const BUILD_URL_FLAGS = new Set(["--installer-url", "--test-packages-url", "--test-url"]);
/** TaskCluster names the build by URL instead of buildbot's buildprops.json, which it tells mozharness not to read. */
const NO_BUILDPROPS = "--no-read-buildbot-config";

function withoutBuildUrls(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === NO_BUILDPROPS) continue;
    if (BUILD_URL_FLAGS.has(argv[i]!)) i++;
    else out.push(argv[i]!);
  }
  return out;
}
