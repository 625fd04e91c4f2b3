/** `jobdef report --html FILE` (this module is not report.ts, the diagnostics printer). */
import type { Command } from "commander";
import { type CommonOptions, collect, rootOf, stageTimer, unwrap, withCommon } from "./common.js";
import { UsageError } from "./errors.js";

interface ReportOptions extends CommonOptions {
  html?: string;
  branch: string[];
}

export function register(program: Command): void {
  withCommon(program.command("report"))
    .description(
      "write one self-contained HTML page: the suites × platforms matrix per branch, each cell linking to its jobs, the file:line of every value on click, a filter box",
    )
    .option("--html <file>", "the page to write")
    .option("--branch <name>", "only this branch (repeatable; default: every branch)", collect, [])
    .addHelpText(
      "after",
      "\nExamples:\n  jobdef report --html report.html\n  jobdef report --html /tmp/central.html --branch mozilla-central",
    )
    .action(async (o: ReportOptions) => {
      if (!o.html) throw new UsageError("report needs --html FILE (the page to write)");
      const { loadValidTree, expandJobs } = await import("../compile.js");
      const { reportData } = await import("../report/data.js");
      const { renderReport } = await import("../report/html.js");
      const { writeFileAtomic } = await import("../replace-file.js");
      const tree = unwrap(loadValidTree(rootOf(o), { onStage: stageTimer(o) }), o);
      const branches = o.branch.length ? o.branch : [...tree.branches.keys()].sort();
      const expanded = unwrap(expandJobs(tree, { branches, onStage: stageTimer(o) }), o);
      const page = renderReport(reportData(expanded), "jobdef: suites × platforms");
      writeFileAtomic(o.html, page);
      const jobs = expanded.reduce((n, b) => n + b.jobs.length, 0);
      process.stderr.write(
        `jobdef report: ${o.html}: ${expanded.length} branches, ${jobs} jobs, ${page.length} bytes\n`,
      );
    });
}
