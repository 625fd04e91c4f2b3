import { type Command, InvalidArgumentError } from "commander";
import type { Diagnostic } from "../diagnostics.js";
import { type CommonOptions, report, rootOf, stageTimer, withCommon } from "./common.js";
import { EXIT, ExitError } from "./errors.js";

interface ValidateOptions extends CommonOptions {
  strict?: boolean;
  maxWarnings?: number;
}

export function register(program: Command): void {
  withCommon(program.command("validate"))
    .description(
      "check the configs tree: YAML, schemas, semantic rules, every job of every branch merged, and what every target's emitter refuses",
    )
    .option("--strict", "warnings are errors: exit 1 when there is any")
    .option("--max-warnings <n>", "exit 1 when there are more than n warnings", warningCount)
    .addHelpText(
      "after",
      "\nExamples:\n  jobdef validate\n  jobdef validate --strict --format github\n  jobdef validate --max-warnings 3 --root ~/gecko",
    )
    .action(async (o: ValidateOptions) => {
      const { loadValidTree, checkAllJobs } = await import("../compile.js");
      const loaded = loadValidTree(rootOf(o), { onStage: stageTimer(o) });
      if (!loaded.ok) {
        report(loaded.diagnostics, o);
        throw new ExitError(EXIT.diagnostics);
      }
      const tree = loaded.value;
      // Keyed-by resolution, merge operators, clashes and the emitters' conflicts only show when jobs are merged.
      const checked = checkAllJobs(tree, { onStage: stageTimer(o) });
      const warnings = [...loaded.warnings, ...(checked.ok ? checked.warnings : [])];
      if (!checked.ok) {
        report([...loaded.warnings, ...checked.diagnostics], o);
        throw new ExitError(EXIT.diagnostics);
      }
      report(warnings, o);
      const tooMany = warningLimit(warnings, o);
      // diagnostics go to stderr in every format; in JSON an empty list too, so a reader always gets one array
      if (o.format === "json" && !warnings.length) process.stderr.write("[]\n");
      else if (o.format === "text" && !tooMany)
        process.stderr.write(
          `jobdef: ${tree.suites.size} suites, ${tree.platforms.size} platforms, ${tree.branches.size} branches, ${checked.value} jobs: valid\n`,
        );
      if (tooMany) {
        // JSON readers get the one array; the exit status says the warnings failed the run
        if (o.format !== "json") process.stderr.write(`jobdef: ${tooMany}\n`);
        throw new ExitError(EXIT.diagnostics);
      }
    });
}

/** Why the warnings fail the run under --strict or --max-warnings, if they do. */
function warningLimit(warnings: readonly Diagnostic[], o: ValidateOptions): string | undefined {
  const n = warnings.length;
  const counted = `${n} warning${n === 1 ? "" : "s"}`;
  if (o.strict && n > 0) return `${counted} and --strict: warnings are errors`;
  if (o.maxWarnings !== undefined && n > o.maxWarnings) return `${counted}, more than --max-warnings ${o.maxWarnings}`;
  return undefined;
}

function warningCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number of warnings, such as 0 or 10");
  return Number(value);
}
