import type { Command } from "commander";
import { error, fail } from "../diagnostics.js";
import { type CommonOptions, rootOf, stageTimer, unwrap, withCommon } from "./common.js";
import { UsageError } from "./errors.js";

interface TryOptions extends CommonOptions {
  branch: string;
  json?: boolean;
  graph?: boolean;
}

const EXAMPLES = `
Examples:
  jobdef try "try: -b do -p linux64,win32 -u mochitest-plain-1,reftest -t none"
  jobdef try "Bug 1234 - fix it; try: -b o -p all -u mochitests[linux,-asan] --rebuild 3" --json
  jobdef try "try: -b d -p linux64 -u xpcshell" --graph > graph.json

Syntax (the first line containing "try:" counts; missing -b or -p selects nothing):
  -b o|d|do             build types (o: opt, d: debug)
  -p P,...|all|none     platforms, or build platforms naming several test platforms
  -u T,...|all|none     try names or aliases of suites; T-N selects chunk N; T[a,-b] keeps platforms
                        whose name contains a and not b; an item selecting no job on -p and -b is an error
  -t none               talos is not modelled: any -t selects no jobs
  --rebuild N           run each selected job N times (1-20)`;

export function register(program: Command): void {
  withCommon(program.command("try"))
    .description("print the jobs that try syntax in a commit message selects")
    .argument("<message>", 'commit message, or just its try syntax: "try: -b o -p linux64 -u all -t none"')
    .option("--branch <name>", "a branch with try-syntax: true", "try")
    .option("--json", "print {builds, labels, platforms, rebuild, tests}")
    .option("--graph", "print the TaskCluster graph restricted to the selected tasks and what they depend on")
    .addHelpText("after", EXAMPLES)
    .action(async (message: string, o: TryOptions) => {
      const { TRY_FILE, parseTrySyntax, selectTryJobs, restrictGraph } = await import("../try-syntax/index.js");
      (await import("./report.js")).provideSource(TRY_FILE, message);
      // 1. the syntax alone, before the tree is read
      const request = unwrap(parseTrySyntax(message), o);
      // 2. the branch's jobs, once the branch is known to take try syntax
      const { loadValidTree, expandJobs } = await import("../compile.js");
      const tree = unwrap(loadValidTree(rootOf(o), { onStage: stageTimer(o) }), o);
      if (tree.branches.has(o.branch) && !tree.branches.get(o.branch)!.spec["try-syntax"])
        throw new UsageError(`--branch ${o.branch}: the branch does not take try syntax (it lacks try-syntax: true)`);
      const [branchJobs] = unwrap(expandJobs(tree, { branches: [o.branch], onStage: stageTimer(o) }), o);
      // 3. selection, then the chosen output
      const selection = unwrap(selectTryJobs(request, tree, branchJobs), o);
      process.stderr.write(
        `jobdef: ${selection.labels.length} jobs on ${selection.builds.length} builds; rebuild: ${selection.rebuild}\n`,
      );
      if (o.graph) {
        // the entries `compile --target taskcluster` writes, as values, for the jobs already expanded
        const { taskGraph } = await import("../emit/taskcluster.js");
        const { graph, missing } = restrictGraph(taskGraph(tree, branchJobs), selection.labels, selection.rebuild);
        if (missing.length) {
          const list = missing.slice(0, 5).join(", ");
          const more = missing.length > 5 ? ", ..." : "";
          const path = `taskcluster/${o.branch}.json`;
          unwrap(fail([error("JD061", `${missing.length} selected jobs have no task in ${path}: ${list}${more}`)]), o);
        }
        const { canonical } = await import("../emit/serialize.js");
        process.stdout.write(`${JSON.stringify(canonical(graph), null, 2)}\n`);
      } else if (o.json) {
        const { builds, labels, platforms, rebuild, tests } = selection;
        process.stdout.write(`${JSON.stringify({ builds, labels, platforms, rebuild, tests }, null, 2)}\n`);
      } else {
        process.stdout.write(selection.labels.map((l) => `${l}\n`).join(""));
      }
    });
}
