/**
 * The simulated 2015 machine (test/helpers/machine-2015.ts) as the host of other programs
 * (test/python/machine_2015_host.py): a TaskCluster worker's task, a buildbot worker. The machine is the same (its
 * /tools, /builds/slave/test, /home/worker, adb and emulator console, port 80 of the 2015 download hosts); instead of
 * running mozharness jobs itself it serves one fake build, by file name, over HTTPS from the hosts a task's URLs
 * name (a test CA's certificate: see `makeTestCa`), binds what the caller asks for and runs the caller's commands.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { MachineOs } from "./machine-2015.js";
import { unshareFlags } from "./machine-2015.js";

const DRIVER = join(dirname(fileURLToPath(import.meta.url)), "..", "python", "machine_2015_host.py");

export interface HostRun {
  /** The build the machine serves: its kind of installer, and extra files of its tests zip (the in-tree config). */
  readonly build: { readonly os: MachineOs; readonly testsZip: Readonly<Record<string, string>> };
  /** Hosts whose port 443 serves the build, with a certificate for them (from `makeTestCa`). */
  readonly https?: TestCa;
  /** Directories bound into the machine: `source` (a path outside) at `target`. */
  readonly binds?: readonly { readonly source: string; readonly target: string }[];
  /** Directories that get a Windows slave's c: drive (c:/mozilla-build) as soon as they exist. */
  readonly windowsDrives?: readonly string[];
  /** Run in order from `cwd` with exactly `env`; the first that fails stops the run. */
  readonly commands: readonly (readonly string[])[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** The file the commands' stdout and stderr go to. */
  readonly output: string;
  /** Seconds for all the commands; then the one running is killed. */
  readonly deadline: number;
}

export interface HostResult {
  /** The exit status of the last command run; null when it was killed at the deadline. */
  readonly exit: number | null;
  readonly timedOut: boolean;
  readonly commandsRun: number;
  /** Stopped from outside before the commands ended. */
  readonly stopped?: boolean;
}

/** A certificate authority made for one test, and a server certificate it signed for `hosts`. */
export interface TestCa {
  /** The CA's certificate (PEM): what a client trusts, e.g. through SSL_CERT_FILE. */
  readonly caFile: string;
  readonly cert: string;
  readonly key: string;
  readonly hosts: readonly string[];
}

/** Makes a test CA in `dir` with openssl, and a certificate for `hosts` signed by it. */
export function makeTestCa(dir: string, hosts: readonly string[]): TestCa {
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=jobdef test CA");
  openssl("req", "-new", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${hosts[0]}`);
  writeFileSync(join(dir, "server.ext"), `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(",")}\n`);
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "server.ext",
    "-out",
    "server.pem",
  );
  return { caFile: join(dir, "ca.pem"), cert: join(dir, "server.pem"), key: join(dir, "server.key"), hosts };
}

/**
 * Runs the commands on a simulated 2015 machine; the machine is killed a minute after the run's own deadline, or
 * when `stop` aborts (a server such as a buildbot worker: the result then has exit null and `stopped`).
 */
export function runOnMachineHost(run: HostRun, stop?: AbortSignal): Promise<HostResult> {
  const base = mkdtempSync(join(tmpdir(), "machine-2015-host-"));
  const request = {
    base,
    build: { os: run.build.os, tests_zip: run.build.testsZip },
    https: run.https ? { cert: run.https.cert, key: run.https.key, hosts: run.https.hosts } : null,
    binds: run.binds ?? [],
    windows_drives: run.windowsDrives ?? [],
    commands: run.commands,
    cwd: run.cwd,
    env: run.env,
    output: run.output,
    deadline: run.deadline,
  };
  return new Promise((resolve, reject) => {
    // --kill-child: the machine (its PID 1, and so every process in it) ends with unshare
    const child = spawn("unshare", [...unshareFlags(), "--kill-child", "python2", DRIVER], {
      env: { ...process.env, PYENV_VERSION: "2.7.18" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), (run.deadline + 60) * 1000);
    const onStop = () => child.kill("SIGKILL"); // unshare --fork ignores SIGTERM; its child dies with it
    stop?.addEventListener("abort", onStop);
    let stderr = "";
    let reply: (HostResult & { fatal?: string }) | undefined;
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      const r = JSON.parse(line) as { exit: number | null; timed_out: boolean; commands_run: number; fatal?: string };
      reply = { exit: r.exit, timedOut: r.timed_out, commandsRun: r.commands_run, fatal: r.fatal };
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      stop?.removeEventListener("abort", onStop);
      rmSync(base, { recursive: true, force: true }); // the machine's mount point, empty outside it
      if (stop?.aborted && !reply) resolve({ exit: null, timedOut: false, commandsRun: 0, stopped: true });
      else if (reply?.fatal) reject(new Error(reply.fatal));
      else if (reply) resolve({ exit: reply.exit, timedOut: reply.timedOut, commandsRun: reply.commandsRun });
      else reject(new Error(`the machine stopped (exit ${code}) without a reply: ${stderr}`));
    });
    child.stdin.end(JSON.stringify(request));
  });
}
