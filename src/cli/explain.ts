import type { Command } from "commander";
import { error, fail } from "../diagnostics.js";
import { type CommonOptions, collect, rootOf, stageTimer, unwrap, withCommon } from "./common.js";
import { escapeLines } from "./escape.js";

interface ExplainOptions extends CommonOptions {
  branch?: string;
  json?: boolean;
  set: string[];
}

export function register(program: Command): void {
  withCommon(program.command("explain"))
    .description("show a merged job, every value with the file:line and layer that set it and what it overrode")
    .argument("<label>", "job label, e.g. test-linux64/debug-mochitest-plain-3")
    .argument("[field]", "dotted path of one field, e.g. mozharness.options")
    .option("--branch <name>", "branch of the job (default: the tree's first checked-in branch)")
    .option("--set <path=value>", "override a job field in every job, as the top layer (repeatable)", collect, [])
    .option("--json", "print {label, branch, value, provenance} as JSON")
    .addHelpText(
      "after",
      "\nExamples:\n  jobdef explain test-linux64/debug-mochitest-plain-3 chunks\n  jobdef explain --branch try test-win32/opt-reftest --json",
    )
    .action(async (label: string, field: string | undefined, o: ExplainOptions) => {
      const { loadValidTree, expandJobs } = await import("../compile.js");
      const { annotatedYaml, fieldOf, provenanceList } = await import("../explain-job.js");
      const { didYouMean } = await import("../names.js");
      const tree = unwrap(loadValidTree(rootOf(o), { onStage: stageTimer(o) }), o);
      const overrides = unwrap((await import("../set-overrides.js")).parseSetOverrides(o.set), o);
      const branch = o.branch ?? tree.settings.checkedIn.branches[0];
      const [expanded] = unwrap(expandJobs(tree, { branches: [branch], overrides, onStage: stageTimer(o) }), o);
      const job = expanded.jobs.find((j) => j.label === label);
      if (!job) {
        const hint = didYouMean(
          label,
          expanded.jobs.map((j) => j.label),
        );
        unwrap(fail([error("JD061", `no job ${label} on branch ${branch}${hint}`)]), o);
        return;
      }
      const sub = fieldOf(job, field);
      if (!sub) {
        const fields = Object.keys(provenanceList(job.merged.value, job.merged.provenance));
        unwrap(fail([error("JD061", `${label} has no field ${field}${didYouMean(field ?? "", fields)}`)]), o);
        return;
      }
      if (o.json) {
        const data = {
          label,
          branch,
          field: field ?? null,
          value: sub.value,
          provenance: provenanceList(sub.value, sub.prov, field ?? ""),
        };
        process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
        return;
      }
      const head = `# ${label} on ${branch} (chunk ${job.chunk} of ${job.chunks})\n`;
      // a field's subtree is indented under its name; a scalar (or the whole job) follows directly
      const block = field && typeof sub.value === "object" && sub.value !== null;
      const yaml = annotatedYaml(sub.value, sub.prov, block ? "  " : "");
      process.stdout.write(escapeLines(head + (field ? `${field}:${block ? `\n${yaml}` : ` ${yaml}`}` : yaml)));
    });
}
