import type { Command } from "commander";
import { type CommonOptions, rootOf, unwrap, withCommon } from "./common.js";
import { escapeLines } from "./escape.js";

interface DiffOptions extends CommonOptions {
  json?: boolean;
  selectors?: boolean;
}

export function register(program: Command): void {
  withCommon(program.command("diff"))
    .description("per-job changes of the compiled output between two config roots or git revisions (exit 0 either way)")
    .argument("<base>", "a directory holding configs/, or a git revision of the repository at --root")
    .argument("[head]", "the same; default: the working tree at --root")
    .option(
      "--json",
      "print the report as JSON: {base, head, differs, selectorOnly, branches: [{branch, status, jobs, targets}]}",
    )
    .option("--selectors", "also report changes to selector fields (run-on), which change no job by themselves")
    .addHelpText(
      "after",
      "\nExamples:\n  jobdef diff HEAD~1\n  jobdef diff origin/main HEAD --json\n  jobdef diff ../old-checkout .",
    )
    .action(async (base: string, head: string | undefined, o: DiffOptions) => {
      const { diffRevisions, renderDiff } = await import("../diff/index.js");
      const report = unwrap(diffRevisions(base, head, rootOf(o), { selectors: o.selectors }), o);
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : escapeLines(renderDiff(report)));
    });
}
