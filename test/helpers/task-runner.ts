/**
 * A small local TaskCluster worker: runs one materialised task's payload as docker-worker or generic-worker would,
 * in a temporary task directory, and collects its artifacts. Only the worker and the image around the task are
 * played here; the task's command (run-task, then the real mozharness script) runs as given.
 *
 * - docker-worker (a payload with `image`): the command is an argv run from the image's home, `/home/worker`, with
 *   the payload's `env` over the image's; each `cache` is a directory of the task dir mounted at its absolute path.
 *   The task runs in private mount and PID namespaces (`unshare`) with a fresh `/home`, so those absolute paths
 *   exist for the task only, as in a container.
 * - generic-worker: the task dir is the working directory; `mounts` put caches (`directory`) and files (`file`,
 *   whose content the image supplies here) into it; `command` is a list of argv lists run in order (posix), or of
 *   cmd.exe lines (Windows), which this Linux worker decodes into the argv cmd.exe would give the program.
 * - artifacts: every artifact path is looked up after the run (an absolute docker path through its cache).
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeWindowsLine } from "./windows-command-line.js";

const LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), "..", "python", "docker_launch.py");

/** What the image and machine around a task provide. */
export interface Image {
  /** Directories put first on the task's PATH (the image's programs: run-task, python3, python2.7). */
  readonly bin: readonly string[];
  /** The image's own environment (below the payload's `env`). */
  readonly env: Readonly<Record<string, string>>;
  /** Contents of generic-worker file mounts, by file name (e.g. `run-task`). */
  readonly files: Readonly<Record<string, string>>;
}

export interface TaskRun {
  readonly worker: "docker-worker" | "generic-worker";
  readonly taskDir: string;
  /** Exit status of the last command run (generic-worker stops at the first that fails); null when killed. */
  readonly exit: number | null;
  readonly timedOut: boolean;
  readonly output: string;
  readonly artifacts: readonly { name: string; path: string; found: string | null }[];
}

type Payload = Record<string, unknown>;

/** Runs `task` (a materialised task definition); kills it after `deadlineSeconds`. */
export async function runTask(task: Record<string, unknown>, image: Image, deadlineSeconds = 300): Promise<TaskRun> {
  const payload = task.payload as Payload;
  const taskDir = mkdtempSync(join(tmpdir(), "jobdef-task-"));
  return "image" in payload
    ? runDockerWorker(payload, image, taskDir, deadlineSeconds)
    : runGenericWorker(payload, image, taskDir, deadlineSeconds);
}

function taskEnv(image: Image, payload: Payload, home: string): Record<string, string> {
  const path = [...image.bin, process.env.PATH ?? "/usr/bin:/bin"].join(":");
  return { HOME: home, PATH: path, ...image.env, ...((payload.env as Record<string, string>) ?? {}) };
}

async function runDockerWorker(payload: Payload, image: Image, taskDir: string, deadline: number): Promise<TaskRun> {
  const caches = Object.entries((payload.cache as Record<string, string>) ?? {}).map(([name, mountPoint]) => {
    const dir = join(taskDir, "caches", name);
    mkdirSync(dir, { recursive: true });
    return { dir, mountPoint };
  });
  const home = "/home/worker";
  const spec = { caches, home, command: payload.command, env: taskEnv(image, payload, home) };
  writeFileSync(join(taskDir, "launch.json"), JSON.stringify(spec));
  const flags = process.getuid?.() === 0 ? [] : ["--user", "--map-root-user"];
  const run = await runProcess(
    "unshare",
    [
      ...flags,
      "--mount",
      "--pid",
      "--fork",
      "--propagation",
      "private",
      "python3",
      LAUNCHER,
      join(taskDir, "launch.json"),
    ],
    taskDir,
    process.env,
    deadline,
  );
  const artifacts = Object.entries((payload.artifacts as Record<string, { path: string }>) ?? {}).map(([name, a]) => {
    const cache = caches.find((c) => a.path === c.mountPoint || a.path.startsWith(`${c.mountPoint}/`));
    const local = cache ? join(cache.dir, a.path.slice(cache.mountPoint.length)) : undefined;
    return { name, path: a.path, found: local && existsSync(local) ? local : null };
  });
  return { worker: "docker-worker", taskDir, ...run, artifacts };
}

async function runGenericWorker(payload: Payload, image: Image, taskDir: string, deadline: number): Promise<TaskRun> {
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
  const env = taskEnv(image, payload, taskDir);
  const started = Date.now();
  let last: { exit: number | null; timedOut: boolean; output: string } = { exit: 0, timedOut: false, output: "" };
  let output = "";
  for (const command of payload.command as (string[] | string)[]) {
    const argv = typeof command === "string" ? decodeWindowsLine(command) : command;
    const left = deadline - (Date.now() - started) / 1000;
    last = await runProcess(argv[0]!, argv.slice(1), taskDir, env, Math.max(1, left));
    output += last.output;
    if (last.exit !== 0) break;
  }
  const artifacts = ((payload.artifacts as { name: string; path: string }[]) ?? []).map((a) => {
    const local = join(taskDir, a.path);
    return { name: a.name, path: a.path, found: existsSync(local) ? local : null };
  });
  return { worker: "generic-worker", taskDir, exit: last.exit, timedOut: last.timedOut, output, artifacts };
}

function runProcess(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  deadlineSeconds: number,
): Promise<{ exit: number | null; timedOut: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (d: Buffer) => {
      output = (output + String(d)).slice(-200_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, deadlineSeconds * 1000);
    child.on("error", (e) => {
      output += String(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ exit: code, timedOut, output });
    });
  });
}
