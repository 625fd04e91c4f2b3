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
import { type MachineJob, type MachineResult, machineUnavailable, runOnMachine } from "./helpers/machine-2015.js";
import { machineDigest, RECORD_PATH, readReferenceRecord, writeReferenceRecord } from "./helpers/reference-record.js";
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
 * Every emitted job runs live; the 2015 references come from test/recorded/ when it holds a run of their exact
 * inputs on this machine digest, and run live otherwise. JOBDEF_EVERY_JOB=record runs every reference live and
 * writes the record (`npm run test:every-job:record`).
 */
const RECORD = process.env.JOBDEF_EVERY_JOB === "record";
/**
 * JOBDEF_EVERY_JOB_ONLY=<regex>: only the jobs whose `<scheduler> <branch> <label>` it matches (a new suite's jobs,
 * say), and only the table rows that match one of them.
 */
const ONLY = process.env.JOBDEF_EVERY_JOB_ONLY ? new RegExp(process.env.JOBDEF_EVERY_JOB_ONLY) : undefined;
const jobId = (job: { scheduler: string; branch: string; label: string }) =>
  `${job.scheduler} ${job.branch} ${job.label}`;

test("every emitted mozharness job reaches its harness on the 2015 machine, with the 2015 configs' command", async (t) => {
  const why = machineUnavailable();
  assert.ok(!why, `the simulated 2015 machine needs: ${why}`);
  const jobs = emittedJobs().filter((job) => !ONLY || ONLY.test(jobId(job)));
  assert.ok(jobs.length > 0, ONLY ? `no emitted mozharness job matches ${ONLY}` : "no emitted mozharness job");
  const digest = machineDigest();
  const recorded = RECORD ? new Map<string, MachineResult>() : readReferenceRecord(digest);
  const runs = new Map<string, MachineJob>();
  const references = new Set<string>();
  const add = (run: MachineJob, reference: boolean): string => {
    const key = runKey(run);
    if (reference) references.add(key);
    if (!runs.has(key) && !(reference && recorded.has(key))) runs.set(key, { ...run, id: key });
    return key;
  };
  const planned = jobs.map((job) => {
    const reference = referenceRun(job);
    return {
      job,
      emitted: add(emittedRun(job), false),
      reference: typeof reference === "string" ? { missing: reference } : add(reference, true),
    };
  });
  const started = Date.now();
  const live = await runOnMachine([...runs.values()], { parallel: availableParallelism() + 1 });
  const seconds = (Date.now() - started) / 1000;
  const cpu = [...live.values()].reduce((n, r) => n + (r.cpu_seconds ?? 0), 0);
  const results = new Map([...recorded, ...live]);
  if (RECORD) {
    const written = writeReferenceRecord(digest, new Map([...references].map((k) => [k, results.get(k)!])));
    t.diagnostic(`recorded ${written} references in ${RECORD_PATH}`);
  }

  const notRunnable: string[] = [];
  const differing: { id: string; detail: string }[] = [];
  for (const { job, emitted, reference } of planned) {
    const id = jobId(job);
    const mine = results.get(emitted)!;
    if (!mine.ok) {
      notRunnable.push(`${id}: ${mine.error}\n${mine.log_tail}`);
      continue;
    }
    const ref = typeof reference === "string" ? results.get(reference) : undefined;
    if (!ref?.ok) {
      const why = ref ? `${ref.error}\n${ref.log_tail}` : (reference as { missing: string }).missing;
      differing.push({ id, detail: `the 2015 configs' run: ${why}` });
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
      `(${jobs.length} jobs: ${runs.size} machine runs, ${seconds.toFixed(0)} s, ${cpu.toFixed(0)} CPU-s; ` +
      `${[...references].filter((k) => !runs.has(k)).length} of ${references.size} 2015 references from the record)`,
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
