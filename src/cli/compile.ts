import { join, resolve } from "node:path";
import type { Command } from "commander";
import { TARGETS, type TargetName } from "../model.js";
import {
  type CommonOptions,
  collect,
  displayDir,
  inOutputDir,
  rootOf,
  stageTimer,
  unwrap,
  withCommon,
} from "./common.js";
import { UsageError } from "./errors.js";

interface CompileOptions extends CommonOptions {
  out?: string;
  branch: string[];
  target: TargetName[];
  set: string[];
  quiet?: boolean;
  verbose?: boolean;
}

export function register(program: Command): void {
  withCommon(program.command("compile"))
    .description("write the generated directory atomically: every target of the checked-in branches, and manifest.json")
    .option("--out <dir>", "generated directory (default: the tree's generated-dir under --root, i.e. generated/)")
    .option("--branch <name>", "only this branch (repeatable); the rest of the output stays as it is", collect, [])
    .option("--target <target>", `only this target (repeatable; ${TARGETS.join(", ")}); the rest stays`, collect, [])
    .option("--set <path=value>", "override a job field in every job, as the top layer (repeatable)", collect, [])
    .option("-q, --quiet", "print nothing on success")
    .option("-v, --verbose", "list every file written, unchanged and removed")
    .addHelpText(
      "after",
      "\nExamples:\n  jobdef compile\n  jobdef compile --branch mozilla-beta --target taskcluster --out /tmp/out",
    )
    .action(async (o: CompileOptions) => {
      if (o.quiet && o.verbose) throw new UsageError("--quiet and --verbose exclude each other");
      const unknown = o.target.filter((t) => !(TARGETS as readonly string[]).includes(t));
      if (unknown.length) throw new UsageError(`--target ${unknown[0]}: not a target; targets: ${TARGETS.join(", ")}`);
      const start = performance.now();
      // started before the slow part, so that it is up by the time the output is
      (await import("../write/staging-thread.js")).stagingThread();
      const { compile } = await import("../compile.js");
      const { writeOutput } = await import("../write.js");
      const overrides = unwrap((await import("../set-overrides.js")).parseSetOverrides(o.set), o);
      const root = rootOf(o);
      const c = unwrap(compile({ root, branches: o.branch, targets: o.target, overrides, onStage: stageTimer(o) }), o);
      const dir = o.out ? resolve(o.out) : join(root, c.tree.settings.generatedDir);
      const writeStart = performance.now();
      const r = await inOutputDir(dir, o, () =>
        writeOutput({
          dir,
          files: c.files,
          compiled: { branches: c.branches.map((b) => b.branch.name), targets: c.targets },
          partial: o.branch.length > 0 || o.target.length > 0,
          branchNames: c.tree.branches.keys(),
        }),
      );
      stageTimer(o)?.("write", performance.now() - writeStart);
      if (o.quiet) return;
      if (o.verbose) {
        const lines = [
          ...r.written.map((p) => `wrote      ${p}`),
          ...r.unchanged.map((p) => `unchanged  ${p}`),
          ...r.removed.map((p) => `removed    ${p}`),
        ];
        process.stderr.write(lines.map((l) => `  ${l}\n`).join(""));
      }
      const shown = displayDir(dir);
      const jobs = c.branches.map((b) => `${b.branch.name} ${b.jobs.length}`).join(", ");
      const secs = ((performance.now() - start) / 1000).toFixed(2);
      process.stderr.write(
        `jobdef compile: ${shown}/: ${r.written.length} written, ${r.unchanged.length} unchanged, ${r.removed.length} removed; jobs: ${jobs || "none"}; ${secs} s${r.recovered ? " (finished an interrupted compile first)" : ""}\n`,
      );
    });
}
