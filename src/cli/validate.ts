import type { Command } from "commander";
import { type CommonOptions, rootOf, stageTimer, unwrap, withCommon } from "./common.js";

export function register(program: Command): void {
  withCommon(program.command("validate"))
    .description("check the configs tree: YAML, schemas and semantic rules")
    .addHelpText("after", "\nExamples:\n  jobdef validate\n  jobdef validate --root ~/gecko --format github")
    .action(async (o: CommonOptions) => {
      const { loadValidTree } = await import("../compile.js");
      const tree = unwrap(loadValidTree(rootOf(o), { onStage: stageTimer(o) }), o);
      if (o.format === "json") process.stdout.write("[]\n");
      else
        process.stderr.write(
          `jobdef: ${tree.suites.size} suites, ${tree.platforms.size} platforms, ${tree.branches.size} branches: valid\n`,
        );
    });
}
