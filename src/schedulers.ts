/**
 * Which scheduler runs a job: its merged `scheduler` field (`buildbot`, `taskcluster` or `both`, keyed-by like any
 * value; `both` when no layer sets it). The buildbot and TaskCluster emitters write only the jobs that run on them;
 * mozharness and mach configs serve every job, whichever scheduler starts it.
 */
import type { Job } from "./expand.js";

export const SCHEDULERS = ["buildbot", "taskcluster"] as const;
export type Scheduler = (typeof SCHEDULERS)[number];
export type SchedulerChoice = Scheduler | "both";

/** The job's scheduler choice. */
export function schedulerOf(job: Job): SchedulerChoice {
  return (job.spec.scheduler as SchedulerChoice | undefined) ?? "both";
}

/** Whether the scheduler runs the job. */
export function runsOn(job: Job, scheduler: Scheduler): boolean {
  const choice = schedulerOf(job);
  return choice === "both" || choice === scheduler;
}
