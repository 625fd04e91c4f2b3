/**
 * A simulated 2015 test machine that runs the real, unmodified 2015 mozharness scripts of
 * ../shared/consumers/mozharness-2015/ (Python 2.7) to the harness command, and records that command.
 *
 * What is fake is the machine only (test/python/machine_2015.py): /tools/buildbot/bin/python and virtualenv.py,
 * /tools/tooltool.py, adb and an emulator console on localhost:5554, a Windows slave's c:/mozilla-build (its c:
 * drive in each new mozharness work dir), a build (installer, tests zip with the in-tree config, requirements and
 * try_arguments.py, test_packages.json, symbols), buildbot's buildprops.json, and a virtualenv whose `python`
 * records the harness argv and prints a green summary (a structured log with --log-raw=-, which its mozlog reads).
 * The machine's tools are shell programs where the configs run them directly (they start in a millisecond); the
 * jobs' files live on a tmpfs. The machine lives in private mount,
 * network and PID namespaces (`unshare`), so its absolute paths never touch the real machine.
 *
 * Layouts, as 2015 laid out a job's work dir (the script's cwd; mozharness's abs_work_dir is its `build/`):
 * - `buildbot`: /builds/slave/test, holding buildprops.json (when `buildprops` is given) and the job's `files`;
 * - `taskcluster`: /home/worker/checkouts/gecko, the checkout run-task made, holding the job's `files`.
 * mozharness is at `mozharnessDir` inside it (default `testing/mozharness`, as in gecko); the argv may use
 * `{installer_url}`, `{test_url}` and `{test_packages_url}`, which become the fake build's URLs.
 *
 * Usage:
 *   const results = await runOnMachine([{ id: "a", layout: "taskcluster", os: "linux",
 *     script: "scripts/desktop_unittest.py", files: { "generated/x.py": text }, testsZip: { "config/mozharness/linux_config.py": inTree },
 *     argv: ["--cfg", "generated/x.py", "--mochitest-suite", "plain", "--no-read-buildbot-config",
 *            "--installer-url", "{installer_url}", "--test-packages-url", "{test_packages_url}"] }]);
 *   results.get("a")  // { ok, exit, harness: [venv python, "-u", ".../runtests.py", ...], error?, logTail? }
 */
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { pythonLiteral } from "../../src/emit/python.js";
import { requireShared } from "./shared.js";

const DRIVER = join(dirname(fileURLToPath(import.meta.url)), "..", "python", "machine_2015.py");
/** Where the machine binds a job's work dir, per layout (2015's paths). */
export const WORK_DIRS = { buildbot: "/builds/slave/test", taskcluster: "/home/worker/checkouts/gecko" } as const;
/** The modules the driver imports once before forking the jobs. */
const PRELOAD = [
  "mozharness.mozilla.testing.testbase",
  "mozharness.base.vcs.vcsbase",
  "mozharness.mozilla.testing.unittest",
];
const PYTHON2_ENV = { ...process.env, PYENV_VERSION: "2.7.18" };

export type MachineOs = "linux" | "macosx" | "windows" | "android";

export interface MachineJob {
  readonly id: string;
  readonly layout: keyof typeof WORK_DIRS;
  /** The OS the build is for: picks the installer's kind (target.tar.bz2, .dmg, .zip, .apk) and Windows' tools. */
  readonly os: MachineOs;
  /** The script, relative to mozharness (`scripts/desktop_unittest.py`). */
  readonly script: string;
  readonly argv: readonly string[];
  /** Files to put in the work dir (path relative to it → text), e.g. the compiled mozharness config. */
  readonly files?: Readonly<Record<string, string>>;
  /** Extra files in the build's tests zip (path → text), e.g. `config/mozharness/linux_config.py`. */
  readonly testsZip?: Readonly<Record<string, string>>;
  /** buildbot's buildprops.json `{properties: {...}}`; its sourcestamp names the fake build. */
  readonly buildprops?: { readonly properties: Readonly<Record<string, string>> };
  readonly mozharnessDir?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Seconds before the job is killed (default 120). */
  readonly deadline?: number;
}

export interface MachineResult {
  readonly id: string;
  /** The harness ran and the script then exited 0. */
  readonly ok: boolean;
  readonly exit: number | null;
  /** The argv of the last harness run the fake virtualenv python recorded (its own path first). */
  readonly harness: string[] | null;
  readonly harness_cwd: string | null;
  readonly error?: string;
  /** The end of the job's console output, when it failed. */
  readonly log_tail?: string;
  /** CPU time of the job, its tools included. */
  readonly cpu_seconds?: number;
}

/** A mozharness config file (`config = {...}`) of a JSON value, as 2015's .py configs were: str values in Python 2. */
export function pythonConfigFile(value: unknown): string {
  return `config = ${pythonLiteral(value)}\n`;
}

/** Why this machine cannot simulate a 2015 test machine, or undefined when it can. */
export function machineUnavailable(): string | undefined {
  const py = spawnSync("python2", ["-c", "import sys; print(sys.version_info[:2] == (2, 7))"], {
    env: PYTHON2_ENV,
    encoding: "utf8",
  });
  if (py.stdout?.trim() !== "True") return "python2.7 is not available (PYENV_VERSION=2.7.18 python2)";
  const ns = spawnSync("unshare", [...unshareFlags(), "true"], { encoding: "utf8" });
  if (ns.status !== 0) return `unshare cannot make private namespaces here: ${ns.stderr || ns.error}`;
  return undefined;
}

export function unshareFlags(): string[] {
  const user = process.getuid?.() === 0 ? [] : ["--user", "--map-root-user"];
  return [...user, "--mount", "--net", "--pid", "--fork", "--mount-proc", "--propagation", "private"];
}

export interface MachineOptions {
  /** Jobs running at once; default 4. */
  readonly parallel?: number;
  /** Keep every job's work dir and console log (for debugging). */
  readonly keep?: boolean;
  /** Called with each result as it comes. */
  readonly onResult?: (r: MachineResult) => void;
}

/** Runs the jobs on one simulated machine; resolves with every job's result by id. */
export function runOnMachine(
  jobs: readonly MachineJob[],
  options: MachineOptions = {},
): Promise<Map<string, MachineResult>> {
  const mozharness = requireShared("consumers", "mozharness-2015");
  const request = {
    machine: { mozharness, preload: PRELOAD, parallel: options.parallel ?? 4, keep: options.keep ?? false },
    jobs: jobs.map((j) => ({
      id: j.id,
      layout: j.layout,
      os: j.os,
      script: j.script,
      argv: j.argv,
      files: j.files ?? {},
      tests_zip: j.testsZip ?? {},
      buildprops: j.buildprops ?? null,
      mozharness_dir: j.mozharnessDir ?? "testing/mozharness",
      env: j.env ?? {},
      deadline: j.deadline ?? 120,
    })),
  };
  return new Promise((resolve, reject) => {
    const child = spawn("unshare", [...unshareFlags(), "python2", DRIVER], {
      env: PYTHON2_ENV,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const results = new Map<string, MachineResult>();
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      const r = JSON.parse(line) as MachineResult & { fatal?: string };
      if (r.fatal) return reject(new Error(r.fatal));
      results.set(r.id, r);
      options.onResult?.(r);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (results.size === jobs.length) resolve(results);
      else
        reject(new Error(`the machine stopped (exit ${code}) after ${results.size} of ${jobs.length} jobs: ${stderr}`));
    });
    child.stdin.end(JSON.stringify(request));
  });
}
