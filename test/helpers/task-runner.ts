/**
 * A small local TaskCluster worker: runs one materialised task's payload as docker-worker or generic-worker would,
 * in a temporary task directory, on the simulated 2015 machine (test/helpers/machine-host.ts: its tools, its network
 * serving the build from the hosts the task's URLs name), and collects its artifacts. Only the worker, the image and
 * the machine around the task are played here; the task's command (run-task, then the real mozharness script) runs
 * as given.
 *
 * - docker-worker (a payload with `image`): the command is an argv run from the image's home, `/home/worker`, with
 *   the payload's `env` over the image's; each `cache` is a directory of the task dir bound at its absolute path in
 *   the machine, so those absolute paths exist for the task only, as in a container.
 * - generic-worker: the task dir is the working directory; `mounts` put caches (`directory`) and files (`file`,
 *   whose content the image supplies here) into it; `command` is a list of argv lists run in order (posix), or of
 *   cmd.exe lines (Windows), which this Linux worker decodes into the argv cmd.exe would give the program.
 * - artifacts: every artifact path is looked up after the run (an absolute docker path through its cache).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { type HostRun, runOnMachineHost } from "./machine-host.js";
import { decodeWindowsLine } from "./windows-command-line.js";

/** What the image around a task provides. */
export interface Image {
  /** Directories put first on the task's PATH (the image's programs: run-task, python3, python2.7). */
  readonly bin: readonly string[];
  /** The image's own environment (below the payload's `env`). */
  readonly env: Readonly<Record<string, string>>;
  /** Contents of generic-worker file mounts, by file name (e.g. `run-task`). */
  readonly files: Readonly<Record<string, string>>;
}

/** The machine the worker runs on: the build it serves, and where a Windows task finds its c: drive. */
export interface Machine {
  readonly build: HostRun["build"];
  readonly https?: HostRun["https"];
  /** Task paths (absolute for docker-worker, relative to the task dir for generic-worker) that get c:/mozilla-build. */
  readonly windowsDrives?: readonly string[];
}

export interface TaskRun {
  readonly worker: "docker-worker" | "generic-worker";
  readonly taskDir: string;
  /** Exit status of the last command run (generic-worker stops at the first that fails); null when killed. */
  readonly exit: number | null;
  readonly timedOut: boolean;
  readonly output: string;
  readonly artifacts: readonly { name: string; path: string; found: string | null }[];
  /** Where a path of the task (as its command or artifacts name it) is on this machine, if the task kept it. */
  readonly local: (taskPath: string) => string | undefined;
}

type Payload = Record<string, unknown>;

/** Runs `task` (a materialised task definition) on `machine`; kills it after `deadlineSeconds`. */
export async function runTask(
  task: Record<string, unknown>,
  image: Image,
  machine: Machine,
  deadlineSeconds = 300,
): Promise<TaskRun> {
  const payload = task.payload as Payload;
  const worker: Worker = {
    payload,
    image,
    machine,
    taskDir: mkdtempSync(join(tmpdir(), "jobdef-task-")),
    deadline: deadlineSeconds,
  };
  return "image" in payload ? runDockerWorker(worker) : runGenericWorker(worker);
}

/** One task on one worker: its payload, the image and machine it runs on, its task dir and deadline (seconds). */
interface Worker {
  readonly payload: Payload;
  readonly image: Image;
  readonly machine: Machine;
  readonly taskDir: string;
  readonly deadline: number;
}

function taskEnv(image: Image, payload: Payload, home: string): Record<string, string> {
  const path = [...image.bin, process.env.PATH ?? "/usr/bin:/bin"].join(":");
  return { HOME: home, PATH: path, ...image.env, ...((payload.env as Record<string, string>) ?? {}) };
}

async function runDockerWorker({ payload, image, machine, taskDir, deadline }: Worker): Promise<TaskRun> {
  const caches = Object.entries((payload.cache as Record<string, string>) ?? {}).map(([name, mountPoint]) => {
    const dir = join(taskDir, "caches", name);
    mkdirSync(dir, { recursive: true });
    return { dir, mountPoint };
  });
  const local = (path: string) => {
    const cache = caches.find((c) => path === c.mountPoint || path.startsWith(`${c.mountPoint}/`));
    return cache ? join(cache.dir, path.slice(cache.mountPoint.length)) : undefined;
  };
  const home = "/home/worker";
  const run = await runOnMachine(machine, taskDir, deadline, {
    commands: [payload.command as string[]],
    cwd: home,
    env: taskEnv(image, payload, home),
    binds: caches.map((c) => ({ source: c.dir, target: c.mountPoint })),
    windowsDrives: machine.windowsDrives ?? [],
  });
  const artifacts = Object.entries((payload.artifacts as Record<string, { path: string }>) ?? {}).map(([name, a]) => {
    const path = local(a.path);
    return { name, path: a.path, found: path && existsSync(path) ? path : null };
  });
  return { worker: "docker-worker", taskDir, ...run, artifacts, local };
}

async function runGenericWorker({ payload, image, machine, taskDir, deadline }: Worker): Promise<TaskRun> {
  for (const mount of (payload.mounts as Record<string, unknown>[]) ?? []) {
    if (typeof mount.cacheName === "string") {
      const dir = join(taskDir, ".caches", mount.cacheName); // generic-worker keeps caches between tasks
      mkdirSync(dir, { recursive: true });
      symlinkSync(dir, join(taskDir, String(mount.directory)));
    } else if (typeof mount.file === "string") {
      const content = image.files[mount.file];
      if (content === undefined) throw new Error(`the image supplies no content for the file mount ${mount.file}`);
      writeFileSync(join(taskDir, mount.file), content);
      chmodSync(join(taskDir, mount.file), 0o755);
    }
  }
  const local = (path: string) => (isAbsolute(path) ? undefined : join(taskDir, path));
  const run = await runOnMachine(machine, taskDir, deadline, {
    commands: (payload.command as (string[] | string)[]).map((c) => (typeof c === "string" ? decodeWindowsLine(c) : c)),
    cwd: taskDir,
    env: taskEnv(image, payload, taskDir),
    binds: [],
    windowsDrives: (machine.windowsDrives ?? []).map((d) => join(taskDir, d)),
  });
  const artifacts = ((payload.artifacts as { name: string; path: string }[]) ?? []).map((a) => {
    const path = join(taskDir, a.path);
    return { name: a.name, path: a.path, found: existsSync(path) ? path : null };
  });
  return { worker: "generic-worker", taskDir, ...run, artifacts, local };
}

/** The worker's commands on the machine; their output read back from the task dir. */
async function runOnMachine(
  machine: Machine,
  taskDir: string,
  deadline: number,
  worker: Pick<HostRun, "commands" | "cwd" | "env" | "binds" | "windowsDrives">,
): Promise<{ exit: number | null; timedOut: boolean; output: string }> {
  const output = join(taskDir, "live_backing.log"); // where the workers keep a task's log
  const r = await runOnMachineHost({ ...worker, build: machine.build, https: machine.https, output, deadline });
  return { exit: r.exit, timedOut: r.timedOut, output: existsSync(output) ? readFileSync(output, "utf8") : "" };
}
