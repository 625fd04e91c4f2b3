/**
 * Every emitted mozharness job runs, as emitted, through the real 2015 mozharness on the simulated 2015 machine
 * (test/helpers/machine-2015.ts): each buildbot builder as the shipped loader makes it and each TaskCluster task's
 * command, of every checked-in branch, read from generated/ (so a new platform or suite is covered once compiled).
 * Runnable: the script reached its harness and exited 0. Identical: that harness command equals the one the same
 * script builds for the same suite and chunk from the hand-written 2015 configs, paths normalised; the jobs whose
 * command differs on purpose are listed, with why, in configs/README.md's "Deliberate differences in the harness
 * command" table (a row that no longer matches a differing job fails too).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { emittedJobs } from "./helpers/emitted-jobs.js";
import { emittedRun, normalisedHarness, referenceRun, runKey } from "./helpers/every-job.js";
import { type MachineJob, machineUnavailable, runOnMachine } from "./helpers/machine-2015.js";
import { REPO } from "./helpers/tree.js";

/** The README table's rows: a pattern over `<scheduler> <branch> <label>` (`*` any text) and the reason. */
function deliberateDifferences(): { pattern: RegExp; row: string }[] {
  const text = readFileSync(join(REPO, "configs", "README.md"), "utf8");
  const section = /\n### Deliberate differences in the harness command\n([\s\S]*?)(\n#|$)/.exec(text);
  assert.ok(section, "configs/README.md has no 'Deliberate differences in the harness command' section");
  return section[1]!
    .split("\n")
    .filter((l) => /^\| `/.test(l))
    .map((l) => {
      const row = /^\| `([^`]+)`/.exec(l)![1]!;
      const re = row.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
      return { pattern: new RegExp(`^${re.join(".*")}$`), row };
    });
}

/**
 * Every job is a whole mozharness run (and its 2015 reference another): about half a CPU-second each, so the full
 * run takes longer than the rest of `npm test`. It runs when JOBDEF_EVERY_JOB=1 (`npm run test:every-job`).
 */
const SKIP = process.env.JOBDEF_EVERY_JOB === "1" ? false : "set JOBDEF_EVERY_JOB=1 (npm run test:every-job) to run it";
/**
 * JOBDEF_EVERY_JOB_ONLY=<regex>: only the jobs whose `<scheduler> <branch> <label>` it matches (a new suite's jobs,
 * say), and only the table rows that match one of them.
 */
const ONLY = process.env.JOBDEF_EVERY_JOB_ONLY ? new RegExp(process.env.JOBDEF_EVERY_JOB_ONLY) : undefined;
const jobId = (job: { scheduler: string; branch: string; label: string }) =>
  `${job.scheduler} ${job.branch} ${job.label}`;

test("every emitted mozharness job reaches its harness on the 2015 machine, with the 2015 configs' command", {
  skip: SKIP,
}, async (t) => {
  const why = machineUnavailable();
  assert.ok(!why, `the simulated 2015 machine needs: ${why}`);
  const jobs = emittedJobs().filter((job) => !ONLY || ONLY.test(jobId(job)));
  assert.ok(jobs.length > 0, ONLY ? `no emitted mozharness job matches ${ONLY}` : "no emitted mozharness job");
  const runs = new Map<string, MachineJob>();
  const add = (run: MachineJob): string => {
    const key = runKey(run);
    if (!runs.has(key)) runs.set(key, { ...run, id: key });
    return key;
  };
  const planned = jobs.map((job) => {
    const reference = referenceRun(job);
    return {
      job,
      emitted: add(emittedRun(job)),
      reference: typeof reference === "string" ? reference : add(reference),
    };
  });
  const started = Date.now();
  const results = await runOnMachine([...runs.values()], { parallel: availableParallelism() + 1 });
  const seconds = (Date.now() - started) / 1000;
  const cpu = [...results.values()].reduce((n, r) => n + (r.cpu_seconds ?? 0), 0);

  const notRunnable: string[] = [];
  const differing: { id: string; detail: string }[] = [];
  for (const { job, emitted, reference } of planned) {
    const id = jobId(job);
    const mine = results.get(emitted)!;
    if (!mine.ok) {
      notRunnable.push(`${id}: ${mine.error}\n${mine.log_tail}`);
      continue;
    }
    const ref = results.get(reference);
    if (!ref?.ok) {
      differing.push({ id, detail: `the 2015 configs' run: ${ref ? `${ref.error}\n${ref.log_tail}` : reference}` });
      continue;
    }
    const a = normalisedHarness(mine, job.scheduler);
    const b = normalisedHarness(ref, job.scheduler);
    if (JSON.stringify(a) !== JSON.stringify(b))
      differing.push({ id, detail: `emitted: ${a?.join(" ")}\n  2015:    ${b?.join(" ")}` });
  }
  const runnable = jobs.length - notRunnable.length;
  const identical = runnable - differing.length;
  t.diagnostic(
    `runnable ${runnable}/${jobs.length}, identical ${identical}/${runnable} ` +
      `(${runs.size} machine runs for ${jobs.length} jobs and their 2015 references, ${seconds.toFixed(0)} s, ${cpu.toFixed(0)} CPU-s)`,
  );
  assert.deepEqual(notRunnable, [], "jobs that do not reach their harness as emitted");

  const rows = deliberateDifferences().filter((r) => !ONLY || jobs.some((job) => r.pattern.test(jobId(job))));
  const unlisted = differing.filter((d) => !rows.some((r) => r.pattern.test(d.id)));
  for (const d of differing.filter((d) => !unlisted.includes(d))) t.diagnostic(`deliberate: ${d.id}`);
  assert.deepEqual(
    unlisted.map((d) => `${d.id}\n  ${d.detail}`),
    [],
    "harness commands that differ from the 2015 configs' and are not in configs/README.md's table",
  );
  const stale = rows.filter((r) => !differing.some((d) => r.pattern.test(d.id))).map((r) => r.row);
  assert.deepEqual(stale, [], "rows of the table that match no differing job");
});
