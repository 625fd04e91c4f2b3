/**
 * The mach target: per branch and platform, suite → `{mach_command, aliases, kwargs, harness, chunks, task_regex}`,
 * shaped like mach's TEST_SUITES so `mach test <suite>` runs what CI runs, and `task_regex` names the CI tasks.
 *
 * Generic suites have no mach command of their own: unless the suite sets `mach.command`, their entry names the
 * command `run-generic` with kwargs `{command, cwd, env}` (the suite's `generic` spec), for a wrapper that runs the
 * command from the checkout root. `chunks` is a number, or build type → number when build types differ.
 */
import type { Diagnostic } from "../diagnostics.js";
import { error } from "../diagnostics.js";
import { type Job, jobPosition, jobsOn } from "../expand.js";
import { deepEqual } from "../merge.js";
import type { Tree } from "../model.js";
import { byCodePoint } from "../values.js";
import { textFile } from "./output-file.js";
import { perPlatform } from "./per-platform.js";
import { toJson } from "./serialize.js";
import { taskRegex } from "./task-regex.js";
import type { EmitInput, Emitter } from "./types.js";

export const GENERIC_MACH_COMMAND = "run-generic";

interface MachEntry {
  mach_command: string;
  aliases: string[];
  kwargs: Record<string, unknown>;
  harness: string | null;
  chunks: number | Record<string, number>;
  task_regex: string;
}

/** Emits `mach/<branch>/<platform>.json` for every platform the branch runs. */
export const emitMach: Emitter = (input) =>
  input.branch.platforms.flatMap((platform) => {
    const path = `mach/${input.branch.branch.name}/${platform.name}.json`;
    return perPlatform(input, "mach", platform.name, [path], (report) => {
      // checked now (its diagnostics decide the compile), serialised when written
      const suites = machSuites(input.tree, platform.name, jobsOn(input.branch, platform.name), report);
      return [textFile(path, () => toJson(suites))];
    });
  });

/** What the mach target refuses (JD044), without rendering. */
export function checkMach({ tree, branch, report }: EmitInput): void {
  for (const platform of branch.platforms) machSuites(tree, platform.name, jobsOn(branch, platform.name), report);
}

/** The mach entries of one platform's jobs, by suite name. */
export function machSuites(
  tree: Tree,
  platform: string,
  jobs: readonly Job[],
  report: (d: Diagnostic) => void,
): Record<string, MachEntry> {
  const bySuite = new Map<string, Job[]>();
  for (const job of jobs) {
    if (job.chunk !== 1) continue;
    const list = bySuite.get(job.suite);
    if (list) list.push(job);
    else bySuite.set(job.suite, [job]);
  }
  const out: Record<string, MachEntry> = {};
  for (const suite of [...bySuite.keys()].sort(byCodePoint)) {
    const perBuildType = bySuite.get(suite)!;
    const [first, ...rest] = perBuildType;
    const command = machCommand(first!);
    for (const job of rest) {
      const other = machCommand(job);
      if (!deepEqual(command, other)) report(conflict(tree, suite, platform, job, other, first!, command));
    }
    const chunks = new Map(perBuildType.map((j) => [j.buildType, j.chunks]));
    const counts = new Set(chunks.values());
    out[suite] = {
      mach_command: command.mach_command,
      aliases: command.aliases,
      kwargs: command.kwargs,
      harness: first!.harness ?? null,
      chunks:
        counts.size === 1 ? first!.chunks : Object.fromEntries([...chunks].sort((a, b) => byCodePoint(a[0], b[0]))),
      task_regex: taskRegex(platform, suite, chunks),
    };
  }
  return out;
}

type MachFields = Pick<MachEntry, "mach_command" | "aliases" | "kwargs">;

function machCommand(job: Job): MachFields {
  const mach = job.spec.mach ?? {};
  const generic = job.spec.generic;
  const kwargs = { ...(mach.kwargs as Record<string, unknown> | undefined) };
  if (generic && !mach.command) {
    const { command, cwd, env } = generic;
    return {
      mach_command: GENERIC_MACH_COMMAND,
      aliases: [...(mach.aliases ?? [])],
      kwargs: { command, ...(cwd ? { cwd } : {}), ...(env ? { env } : {}), ...kwargs },
    };
  }
  // A harness without a mach command in any layer: mach commands are mostly named after their harness.
  return { mach_command: mach.command ?? job.harness!, aliases: [...(mach.aliases ?? [])], kwargs };
}

/** The first field where the two mach entries differ, as a path into the merged job. */
function differingPath(a: MachFields, b: MachFields): string[] {
  if (a.mach_command !== b.mach_command) return ["mach", "command"];
  if (!deepEqual(a.aliases, b.aliases)) return ["mach", "aliases"];
  const keys = [...new Set([...Object.keys(a.kwargs), ...Object.keys(b.kwargs)])].sort(byCodePoint);
  return ["mach", "kwargs", keys.find((k) => !deepEqual(a.kwargs[k], b.kwargs[k])) ?? ""];
}

function conflict(
  tree: Tree,
  suite: string,
  platform: string,
  job: Job,
  entry: MachFields,
  other: Job,
  otherEntry: MachFields,
): Diagnostic {
  const path = differingPath(entry, otherEntry);
  const at = (j: Job) => jobPosition(tree, j, path, path.slice(0, 2));
  return error(
    "JD044",
    `mach suite ${suite} on ${platform}: ${path.join(".")} of ${job.buildType} is ${JSON.stringify(valueAt(entry, path))} but of ${other.buildType} ${JSON.stringify(valueAt(otherEntry, path))}; ` +
      "one mach config serves every build type of a platform, so the mach command, aliases and kwargs may not depend on the build type",
    at(job),
    [{ ...at(other), message: `${other.label} sets it here` }],
  );
}

function valueAt(entry: MachFields, path: string[]): unknown {
  if (path[1] === "command") return entry.mach_command;
  if (path[1] === "aliases") return entry.aliases;
  return entry.kwargs[path[2]!] ?? null;
}
