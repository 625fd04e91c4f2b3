import type { Command } from "commander";
import { type CommonOptions, collect, rootOf, stageTimer, unwrap, withCommon } from "./common.js";

interface MatrixOptions extends CommonOptions {
  branch: string[];
  json?: boolean;
}

export function register(program: Command): void {
  withCommon(program.command("matrix"))
    .description("print suites × platforms per branch: build types, chunks, tier, scheduler and Treeherder symbol")
    .option("--branch <name>", "only this branch (repeatable; default: every branch)", collect, [])
    .option(
      "--json",
      "print [{branch, jobs, platforms: [{name, buildPlatform, buildTypes}], suites: [{suite, harness, cells: {platform: [{buildType, chunks, tier, scheduler, symbol, labels}]}}]}]",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  jobdef matrix --branch mozilla-central\n  jobdef matrix --json | jq '.[0].suites[0]'",
    )
    .action(async (o: MatrixOptions) => {
      const { loadValidTree, expandJobs } = await import("../compile.js");
      const { matrixOf, renderMatrix, MATRIX_LEGEND } = await import("../matrix.js");
      const tree = unwrap(loadValidTree(rootOf(o), { onStage: stageTimer(o) }), o);
      const branches = o.branch.length ? o.branch : [...tree.branches.keys()].sort();
      const expanded = unwrap(expandJobs(tree, { branches, onStage: stageTimer(o) }), o);
      const matrices = expanded.map(matrixOf);
      if (o.json) process.stdout.write(`${JSON.stringify(matrices, null, 2)}\n`);
      else process.stdout.write(`${matrices.map(renderMatrix).join("\n")}\n${MATRIX_LEGEND}\n`);
    });
}
