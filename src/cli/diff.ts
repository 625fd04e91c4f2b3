import type { Command } from "commander";
import { type CommonOptions, rootOf, unwrap, withCommon } from "./common.js";
import { escapeLines } from "./escape.js";

interface DiffOptions extends CommonOptions {
  json?: boolean;
}

export function register(program: Command): void {
  withCommon(program.command("diff"))
    .description("per-job changes of the compiled output between two config roots or git revisions (exit 0 either way)")
    .argument("<base>", "a directory holding configs/, or a git revision of the repository at --root")
    .argument("[head]", "the same; default: the working tree at --root")
    .option("--json", "print the report as JSON: {base, head, differs, branches: [{branch, status, jobs, targets}]}")
    .addHelpText(
      "after",
      "\nExamples:\n  jobdef diff HEAD~1\n  jobdef diff origin/main HEAD --json\n  jobdef diff ../old-checkout .",
    )
    .action(async (base: string, head: string | undefined, o: DiffOptions) => {
      const { diffRevisions, renderDiff } = await import("../diff/index.js");
      const report = unwrap(diffRevisions(base, head, rootOf(o)), o);
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : escapeLines(renderDiff(report)));
    });
}
