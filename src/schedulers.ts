/**
 * Which scheduler runs a job: its merged `scheduler` field (a scheduling target of the vocabulary — `buildbot`,
 * `taskcluster` — or `both`, keyed-by like any value; `both` when no layer sets it). A scheduling target writes only
 * the jobs that run on it; mozharness and mach configs serve every job, whichever scheduler starts it.
 */
import type { Job } from "./expand.js";

/** The job's scheduler choice: a scheduling target's name, or `both` (every scheduler). */
export function schedulerOf(job: Job): string {
  return job.spec.scheduler ?? "both";
}

/** Whether the scheduler runs the job. */
export function runsOn(job: Job, scheduler: string): boolean {
  const choice = schedulerOf(job);
  return choice === "both" || choice === scheduler;
}
