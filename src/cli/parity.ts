import type { Command } from "commander";
import type { BranchParity, ParityJob } from "../parity.js";
import { type CommonOptions, collect, rootOf, stageTimer, unwrap, withCommon } from "./common.js";
import { EXIT, ExitError } from "./errors.js";

interface ParityOptions extends CommonOptions {
  branch: string[];
  json?: boolean;
  jobs?: boolean;
  check?: boolean;
}

export function register(program: Command): void {
  withCommon(program.command("parity"))
    .description("which jobs run on buildbot, on TaskCluster or on both, per branch, and which differ between the two")
    .option("--branch <name>", "branch to compare (repeatable; default: the tree's checked-in branches)", collect, [])
    .option("--jobs", "also list every job that runs on one scheduler only")
    .option("--check", "exit 1 when a job on both schedulers differs between them")
    .option("--json", "print [{branch, jobs: [{label, platform, on, differences: [{field, buildbot, taskcluster}]}]}]")
    .addHelpText(
      "after",
      "\nExamples:\n  jobdef parity --branch mozilla-central --branch mozilla-release\n  jobdef parity --json | jq '.[].jobs[] | select(.differences != [])'",
    )
    .action(async (o: ParityOptions) => {
      const { loadValidTree, expandJobs } = await import("../compile.js");
      const { branchParity } = await import("../parity.js");
      const tree = unwrap(loadValidTree(rootOf(o), { onStage: stageTimer(o) }), o);
      const names = o.branch.length ? o.branch : tree.settings.checkedIn.branches;
      const expanded = unwrap(expandJobs(tree, { branches: names, onStage: stageTimer(o) }), o);
      const parities = expanded.map((b) => branchParity(tree, b));
      if (o.json) process.stdout.write(`${JSON.stringify(parities, null, 2)}\n`);
      else process.stdout.write(parities.map((p) => renderParity(p, !!o.jobs)).join("\n"));
      if (o.check && parities.some((p) => p.jobs.some((j) => j.differences.length)))
        throw new ExitError(EXIT.diagnostics);
    });
}

const COLUMNS = ["both", "buildbot", "taskcluster", "differ"] as const;

/** A branch's summary line, a table per platform, every job that differs (and with --jobs, the one-sided ones). */
function renderParity(parity: BranchParity, listJobs: boolean): string {
  const count = (on: ParityJob["on"]) => parity.jobs.filter((j) => j.on === on).length;
  const differing = parity.jobs.filter((j) => j.differences.length);
  const lines = [
    `${parity.branch}: ${parity.jobs.length} jobs: ${count("both")} on both schedulers, ${count("buildbot")} on buildbot only, ${count("taskcluster")} on TaskCluster only; ${differing.length} of those on both differ`,
  ];
  const rows = platformRows(parity);
  const width = Math.max(8, ...rows.map(([p]) => p.length));
  lines.push(`  ${"platform".padEnd(width)}  ${COLUMNS.map((c) => c.padStart(11)).join(" ")}`);
  for (const [platform, c] of rows)
    lines.push(`  ${platform.padEnd(width)}  ${COLUMNS.map((k) => String(c[k]).padStart(11)).join(" ")}`);
  for (const job of differing)
    for (const d of job.differences)
      lines.push(
        `  differs: ${job.label} ${d.field}: buildbot ${JSON.stringify(d.buildbot)}, TaskCluster ${JSON.stringify(d.taskcluster)}`,
      );
  if (listJobs)
    for (const job of parity.jobs.filter((j) => j.on !== "both"))
      lines.push(`  ${job.on === "buildbot" ? "buildbot only" : "TaskCluster only"}: ${job.label}`);
  return `${lines.join("\n")}\n`;
}

function platformRows(parity: BranchParity): [string, Record<(typeof COLUMNS)[number], number>][] {
  const rows = new Map<string, Record<(typeof COLUMNS)[number], number>>();
  for (const job of parity.jobs) {
    const c = rows.get(job.platform) ?? { both: 0, buildbot: 0, taskcluster: 0, differ: 0 };
    c[job.on]++;
    if (job.differences.length) c.differ++;
    rows.set(job.platform, c);
  }
  return [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
