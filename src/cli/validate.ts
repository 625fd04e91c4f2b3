import type { Command } from "commander";
import { type CommonOptions, rootOf, stageTimer, unwrap, withCommon } from "./common.js";

export function register(program: Command): void {
  withCommon(program.command("validate"))
    .description("check the configs tree: YAML, schemas, semantic rules, and every job of every branch merged")
    .addHelpText("after", "\nExamples:\n  jobdef validate\n  jobdef validate --root ~/gecko --format github")
    .action(async (o: CommonOptions) => {
      const { loadValidTree, checkAllJobs } = await import("../compile.js");
      const loaded = loadValidTree(rootOf(o), { onStage: stageTimer(o) });
      const tree = unwrap(loaded, o);
      // Keyed-by resolution, merge operators and label clashes only show when jobs are merged: all branches are.
      const jobs = unwrap(checkAllJobs(tree, { onStage: stageTimer(o) }), o);
      // diagnostics go to stderr in every format; in JSON an empty list too, so a reader always gets one array
      if (o.format === "json" && loaded.ok && !loaded.warnings.length) process.stderr.write("[]\n");
      else if (o.format === "text")
        process.stderr.write(
          `jobdef: ${tree.suites.size} suites, ${tree.platforms.size} platforms, ${tree.branches.size} branches, ${jobs} jobs: valid\n`,
        );
    });
}
