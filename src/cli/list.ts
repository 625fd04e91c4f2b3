import type { Command } from "commander";
import { type CommonOptions, collect, rootOf, stageTimer, unwrap, withCommon } from "./common.js";
import { UsageError } from "./errors.js";

interface ListOptions extends CommonOptions {
  branch: string[];
  platform?: string;
  suite?: string;
  json?: boolean;
  set: string[];
}

export function register(program: Command): void {
  withCommon(program.command("list"))
    .description("print job labels (default branch: the tree's first checked-in branch)")
    .option("--branch <name>", "branch to list (repeatable)", collect, [])
    .option("--platform <regex>", "only platforms matching this regular expression (searched, not anchored)")
    .option("--suite <regex>", "only suites matching this regular expression (searched, not anchored)")
    .option("--set <path=value>", "override a job field in every job, as the top layer (repeatable)", collect, [])
    .option("--json", "print [{label, branch, platform, build_type, suite, chunk, chunks, scheduler}]")
    .addHelpText(
      "after",
      "\nExamples:\n  jobdef list --branch try --platform '^linux64$' --suite mochitest\n  jobdef list --json | jq length",
    )
    .action(async (o: ListOptions) => {
      const { loadValidTree, expandJobs } = await import("../compile.js");
      const { schedulerOf } = await import("../schedulers.js");
      const platformRe = regexOption(o.platform, "--platform");
      const suiteRe = regexOption(o.suite, "--suite");
      const tree = unwrap(loadValidTree(rootOf(o), { onStage: stageTimer(o) }), o);
      const overrides = unwrap((await import("../set-overrides.js")).parseSetOverrides(o.set), o);
      const branches = o.branch.length ? o.branch : tree.settings.checkedIn.branches.slice(0, 1);
      const expanded = unwrap(expandJobs(tree, { branches, overrides, onStage: stageTimer(o) }), o);
      const jobs = expanded
        .flatMap((b) => b.jobs)
        .filter((j) => (!platformRe || platformRe.test(j.platform)) && (!suiteRe || suiteRe.test(j.suite)));
      if (o.json) {
        const rows = jobs.map((j) => ({
          label: j.label,
          branch: j.branch,
          platform: j.platform,
          build_type: j.buildType,
          suite: j.suite,
          chunk: j.chunk,
          chunks: j.chunks,
          scheduler: schedulerOf(j),
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        const prefix = branches.length > 1;
        process.stdout.write(jobs.map((j) => `${prefix ? `${j.branch} ` : ""}${j.label}\n`).join(""));
      }
    });
}

export function regexOption(value: string | undefined, flag: string): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(value, "u");
  } catch (e) {
    throw new UsageError(`${flag}: invalid regular expression: ${(e as Error).message}`);
  }
}
