/**
 * TaskCluster tasks run: test/helpers/task-runner.ts executes materialised tasks of the compiled mozilla-central graph
 * as docker-worker (Linux, Android) and generic-worker (macOS, Windows) would, one per platform family, on the
 * simulated 2015 machine (test/helpers/machine-host.ts). The image has the programs the README says an image
 * provides: `run-task` (here one that checks out the pushed revision from a local mirror of the repository, then
 * runs the command from the task's cwd), `python3` and `python2.7`, and trusts a CA made for the test
 * (SSL_CERT_FILE), whose certificate the machine's queue.taskcluster.net serves the fake build with, at the URLs the
 * task names. The task's own command (run-task, then the real 2015 mozharness script) runs as emitted, to the
 * harness, and that harness command is the one the machine's own run of the same job records.
 */
import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { compile } from "../src/compile.js";
import { materialize, taskIdFromSeed } from "../src/materialize.js";
import { makeRepository } from "./helpers/checkout.js";
import { emittedJobs } from "./helpers/emitted-jobs.js";
import { emittedRun, normalisedHarness } from "./helpers/every-job.js";
import { type MachineResult, machineUnavailable, runOnMachine } from "./helpers/machine-2015.js";
import { makeTestCa } from "./helpers/machine-host.js";
import { type Image, runTask } from "./helpers/task-runner.js";
import { REPO } from "./helpers/tree.js";

const BRANCH = "mozilla-central";
const FAMILIES = ["linux", "macosx", "windows", "android"] as const;

/** run-task of the fake machine: GECKO_HEAD_REV of GECKO_HEAD_REPOSITORY, from the machine's mirror of it. */
const RUN_TASK = `#!/usr/bin/env python3
import json, os, subprocess, sys
args = sys.argv[1:]
split = args.index("--")
options = dict(a[2:].split("=", 1) for a in args[:split])
command = args[split + 1:]
with open(os.environ["RUN_TASK_MIRRORS"]) as f:
    mirror = json.load(f)[os.environ["GECKO_HEAD_REPOSITORY"]]
checkout = options["vcs-checkout"]
if not os.path.isdir(os.path.join(checkout, ".git")):
    subprocess.check_call(["git", "clone", "-q", mirror, checkout])
subprocess.check_call(["git", "-C", checkout, "checkout", "-q", os.environ["GECKO_HEAD_REV"]])
print("run-task: checked out %s at %s" % (os.environ["GECKO_HEAD_REV"], checkout), flush=True)
os.chdir(options["task-cwd"])
os.execvp(command[0], command)
`;

test("a local worker runs one task per platform family on the 2015 machine, through run-task and the real mozharness to the harness the machine's own run reaches", async (t) => {
  const why = machineUnavailable();
  assert.ok(!why, `the simulated 2015 machine needs: ${why}`);
  const r = compile({ root: REPO, branches: [BRANCH] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  const tmp = mkdtempSync(join(tmpdir(), "jobdef-tasks-"));
  const taskDirs: string[] = [];
  try {
    const repository = join(tmp, "repository");
    const revision = makeRepository(repository, r.value.files);
    const graph = JSON.parse(r.value.files.find((f) => f.path === `taskcluster/${BRANCH}.json`)!.content);
    const tasks = materialize(graph, {
      now: new Date(),
      taskIdFor: taskIdFromSeed,
      parameters: { revision, pushlog_id: 1, project: BRANCH },
    });
    const repositoryUrl = r.value.tree.branches.get(BRANCH)!.spec.repository;
    const bin = join(tmp, "image-bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "run-task"), RUN_TASK);
    chmodSync(join(bin, "run-task"), 0o755);
    writeFileSync(join(tmp, "mirrors.json"), JSON.stringify({ [repositoryUrl]: repository }));
    const ca = makeTestCa(tmp, [QUEUE_HOST]);
    const image: Image = {
      // run-task, then the machine's X and emulator tools (xset, emulator), as a tester image has them
      bin: [bin, "/tools/bin"],
      // the image trusts the CA the machine's queue.taskcluster.net serves a certificate of
      env: { PYENV_VERSION: "2.7.18", RUN_TASK_MIRRORS: join(tmp, "mirrors.json"), SSL_CERT_FILE: ca.caFile },
      files: { "run-task": RUN_TASK },
    };
    const branch = r.value.branches[0]!;
    const emitted = emittedJobs().filter((j) => j.scheduler === "taskcluster" && j.branch === BRANCH);
    const chosen = FAMILIES.map((os) => {
      const platform = branch.platforms.find((p) => p.spec.os === os)!;
      const job = branch.jobs.find((j) => j.platform === platform.name && j.harness !== undefined)!;
      const run = emitted.find((e) => e.label === job.label);
      assert.ok(run, `${job.label} is a mozharness task of generated/taskcluster/${BRANCH}.json`);
      return { os, label: job.label, machineJob: { ...emittedRun(run), id: job.label } };
    });
    // the machine's own run of each job: the harness command the task must reach
    const reference = await runOnMachine(chosen.map((c) => c.machineJob));
    for (const { os, label, machineJob } of chosen) {
      const ref = reference.get(label)!;
      assert.ok(ref.ok, `the machine's run of ${label}: ${ref.error}\n${ref.log_tail}`);
      const task = tasks[label]!;
      const checkout = vcsCheckout(task);
      const run = await runTask(
        task,
        image,
        {
          build: { os: machineJob.os, testsZip: machineJob.testsZip ?? {} },
          https: ca,
          windowsDrives: os === "windows" ? [checkout] : [],
        },
        240,
      );
      taskDirs.push(run.taskDir);
      assert.equal(run.timedOut, false, `${label} finished in time`);
      assert.match(
        run.output,
        new RegExp(`run-task: checked out ${revision}`),
        `${label}: run-task checked out the push`,
      );
      const record = run.local(`${checkout}/harness-argv.jsonl`);
      const harness = record && existsSync(record) ? lastHarness(readFileSync(record, "utf8")) : null;
      assert.ok(
        harness,
        `${label} reached no harness on ${run.worker}: ${whyItStopped(run.output)}\n${run.output.slice(-3000)}`,
      );
      const workDirs = [run.local(checkout) ?? checkout, realpathSync(run.local(checkout) ?? checkout), checkout];
      assert.deepEqual(
        taskHarness(harness, workDirs),
        machineHarness(ref),
        `${label}: the task's harness command is the machine's run's`,
      );
      assert.equal(run.exit, 0, `${label} exited 0 after its harness:\n${run.output.slice(-3000)}`);
      const missing = run.artifacts.filter((a) => !a.found).map((a) => `${a.name} (${a.path})`);
      assert.deepEqual(missing, [], `${label}: the artifacts the task declares exist after it`);
      t.diagnostic(`${os}: ${label} on ${run.worker}: exit 0; harness ${taskHarness(harness, workDirs).join(" ")}`);
    }
  } finally {
    for (const d of taskDirs) if (existsSync(d)) rmSync(d, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** The host the tasks' build URLs name (https). */
const QUEUE_HOST = "queue.taskcluster.net";
const BUILD_URL = /https:\/\/queue\.taskcluster\.net\/v1\/task\/[^/]+\/artifacts\/public\/build/g;

/** The checkout run-task makes, from the task's command (`--vcs-checkout=`). */
function vcsCheckout(task: Record<string, unknown>): string {
  const m = /--vcs-checkout=([^"^\\]+)/.exec(JSON.stringify((task.payload as { command: unknown }).command));
  assert.ok(m, "the task's command runs run-task with --vcs-checkout");
  return m[1]!;
}

function lastHarness(jsonl: string): string[] | null {
  const runs = jsonl
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { argv: string[] });
  return runs.at(-1)?.argv ?? null;
}

/** The task's harness command, its checkout and the build's queue URL as placeholders. */
function taskHarness(argv: readonly string[], workDirs: readonly string[]): string[] {
  return argv.map((a) => workDirs.reduce((s, d) => s.split(d).join("<work>"), a).replace(BUILD_URL, "<build>"));
}

/** The machine's run's harness command, normalised likewise (its build is a file URL). */
function machineHarness(r: MachineResult): string[] | null {
  return normalisedHarness(r, "taskcluster")?.map((a) => a.split("file://<build>").join("<build>")) ?? null;
}

/** The line that says why a mozharness run stopped: its usage error, or the last FATAL line before the exit. */
function whyItStopped(output: string): string {
  const lines = output.split("\n").map((l) => l.trim());
  const usage = lines.find((l) => /: error: /.test(l));
  if (usage) return usage;
  const skip = /post_fatal|Exiting|Uncaught exception|Traceback|FATAL -\s+File |FATAL -\s+\S+\(/;
  const fatal = lines.filter((l) => /FATAL - /.test(l) && !skip.test(l));
  return fatal.at(-1)?.replace(/^\S+\s+FATAL -\s+/, "") ?? "no error";
}
