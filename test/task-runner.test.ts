/**
 * TaskCluster tasks run: test/helpers/task-runner.ts executes materialised tasks of the compiled mozilla-central graph
 * as docker-worker (Linux, Android) and generic-worker (macOS, Windows) would, one per platform family. The image
 * is this machine's, with the programs the README says an image provides: `run-task` (here one that checks out the
 * pushed revision from a local mirror of the repository, then runs the command from the task's cwd), `python3` and
 * `python2.7`. The task's own command (run-task, then the real 2015 mozharness script) runs as emitted.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { compile } from "../src/compile.js";
import { materialize, taskIdFromSeed } from "../src/materialize.js";
import { makeRepository } from "./helpers/checkout.js";
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

test("a local worker runs one task per platform family as docker-worker and generic-worker would, through run-task into the real mozharness", async (t) => {
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
    const image: Image = {
      bin: [bin],
      env: { PYENV_VERSION: "2.7.18", RUN_TASK_MIRRORS: join(tmp, "mirrors.json") },
      files: { "run-task": RUN_TASK },
    };
    const branch = r.value.branches[0]!;
    for (const os of FAMILIES) {
      const platform = branch.platforms.find((p) => p.spec.os === os)!;
      const job = branch.jobs.find((j) => j.platform === platform.name && j.harness !== undefined)!;
      const run = await runTask(tasks[job.label]!, image, 240);
      taskDirs.push(run.taskDir);
      assert.equal(run.timedOut, false, `${job.label} finished in time`);
      assert.match(
        run.output,
        new RegExp(`run-task: checked out ${revision}`),
        `${job.label}: run-task checked out the push`,
      );
      const script = job.spec.mozharness?.script ?? "scripts/desktop_unittest.py";
      assert.match(
        run.output,
        /MultiFileLogger online|mozharness|usage:/i,
        `${job.label}: ${script} ran:\n${run.output.slice(-2000)}`,
      );
      const stop = whyItStopped(run.output);
      const found = run.artifacts.filter((a) => a.found).map((a) => a.name);
      t.diagnostic(
        `${os}: ${job.label} on ${run.worker}: exit ${run.exit}; stopped at: ${stop.slice(0, 200)}; artifacts found: ${found.join(", ") || "none"}`,
      );
    }
  } finally {
    for (const d of taskDirs) if (existsSync(d)) rmSync(d, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** The line that says why a mozharness run stopped: its usage error, or the last FATAL line before the exit. */
function whyItStopped(output: string): string {
  const lines = output.split("\n").map((l) => l.trim());
  const usage = lines.find((l) => /: error: /.test(l));
  if (usage) return usage;
  const skip = /post_fatal|Exiting|Uncaught exception|Traceback|FATAL -\s+File |FATAL -\s+\S+\(/;
  const fatal = lines.filter((l) => /FATAL - /.test(l) && !skip.test(l));
  return fatal.at(-1)?.replace(/^\S+\s+FATAL -\s+/, "") ?? "no error";
}
