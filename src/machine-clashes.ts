/**
 * Treeherder shows a job by (machine, build type, symbol): two platforms that report under one machine name
 * (linux64-pgo copied from linux64 with `machine: linux64`) put their jobs in one row, where equal symbols hide each
 * other whatever scheduler runs them. Clashes inside one platform are found during expansion; this finds them
 * across the platforms of a branch that share a machine, and costs nothing where no two platforms do.
 */
import { type Diagnostic, error } from "./diagnostics.js";
import { type BranchJobs, branchPlatforms, type Job, jobPosition } from "./expand.js";
import type { Platform, Tree } from "./model.js";

/** Collects, per branch, the jobs of platforms whose Treeherder machine another platform of the branch has. */
export class MachineClashes {
  private readonly seen = new Map<string, Job>();
  private readonly byPair = new Map<string, { first: Diagnostic; count: number }>();
  private readonly shared = new Map<string, Set<string>>();

  constructor(private readonly tree: Tree) {}

  /** The platforms of `branch` that share their machine with another; decided once per branch. */
  private sharing(branch: BranchJobs): Set<string> {
    const name = branch.branch.name;
    let names = this.shared.get(name);
    if (!names) {
      const byMachine = new Map<string, Platform[]>();
      // every platform of the branch: a per-platform batch holds only its own
      for (const p of branchPlatforms(this.tree, branch.branch)) {
        const m = p.spec.treeherder.machine;
        byMachine.set(m, [...(byMachine.get(m) ?? []), p]);
      }
      names = new Set([...byMachine.values()].filter((ps) => ps.length > 1).flatMap((ps) => ps.map((p) => p.name)));
      this.shared.set(name, names);
    }
    return names;
  }

  /** Adds jobs (a whole branch, or one platform of it at a time). */
  add(jobs: BranchJobs): void {
    const sharing = this.sharing(jobs);
    if (!sharing.size) return;
    for (const job of jobs.jobs) {
      if (!sharing.has(job.platform)) continue;
      const machine = this.tree.platforms.get(job.platform)!.spec.treeherder.machine;
      const key = `${job.branch}\0${machine}\0${job.buildType}\0${job.treeherder.fullSymbol}`;
      const first = this.seen.get(key);
      if (!first) this.seen.set(key, job);
      else if (first.platform !== job.platform) this.report(machine, job, first);
    }
  }

  private report(machine: string, job: Job, first: Job): void {
    const pair = `${first.platform}\0${job.platform}\0${first.suite}\0${job.suite}`;
    const known = this.byPair.get(pair);
    if (known) {
      known.count++;
      return;
    }
    const other = this.tree.platforms.get(first.platform)!;
    const mine = this.tree.platforms.get(job.platform)!;
    const message =
      `Treeherder symbol ${job.treeherder.fullSymbol} on machine ${machine} (${job.buildType}) is produced by ` +
      `${job.label} and ${first.label} on ${job.branch}: platforms ${first.platform} and ${job.platform} report ` +
      `under the same Treeherder machine, so their jobs need other symbols, or the platforms other machine names`;
    const related = [
      { ...jobPosition(this.tree, first, ["treeherder", "symbol"]), message: `${first.label} takes the symbol here` },
      { ...other.file.positionOf(["treeherder", "machine"]), message: `${first.platform}'s machine` },
      { ...mine.file.positionOf(["treeherder", "machine"]), message: `${job.platform}'s machine` },
    ];
    const diagnostic = error("JD041", message, jobPosition(this.tree, job, ["treeherder", "symbol"]), related);
    this.byPair.set(pair, { first: diagnostic, count: 1 });
  }

  diagnostics(): Diagnostic[] {
    return [...this.byPair.values()].map(({ first, count }) =>
      count > 1
        ? { ...first, message: `${first.message} (and ${count - 1} more jobs of these platforms and suites)` }
        : first,
    );
  }
}
