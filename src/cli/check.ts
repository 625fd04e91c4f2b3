import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import {
  type CommonOptions,
  cacheDirFor,
  displayDir,
  inOutputDir,
  reportNotes,
  rootOf,
  stageTimer,
  unwrap,
  withCommon,
} from "./common.js";
import { refuseOutputPlace } from "./compile.js";
import { EXIT, ExitError } from "./errors.js";
import { escapeLines } from "./escape.js";

interface CheckOptions extends CommonOptions {
  out?: string;
  diffs: string;
}

export function register(program: Command): void {
  withCommon(program.command("check"))
    .description(
      "exit 1, listing stale, missing and extra files with a diff, when the generated directory is not what compile would write",
    )
    .option("--out <dir>", "generated directory (default: the tree's generated-dir under --root, i.e. generated/)")
    .option("--diffs <n>", "how many files to show a unified diff of", "3")
    .addHelpText(
      "after",
      "\nExample (CI):\n  jobdef check || { echo 'run jobdef compile and commit generated/'; exit 1; }",
    )
    .action(async (o: CheckOptions) => {
      const start = performance.now();
      const root = rootOf(o);
      const cacheDir = cacheDirFor(o);
      if (await provenUpToDate(o, root, cacheDir, start)) return;
      const { compile } = await import("../compile.js");
      const { checkOutput, unifiedDiff } = await import("../check.js");
      const { recoverOutput } = await import("../write.js");
      const { hashInputs } = await import("../inputs.js");
      const { JOBDEF_VERSION } = await import("../version.js");
      // hashed before reading, as compile does
      const inputs = hashInputs(root);
      // What the tree checks in: compile's defaults (the tree settings' branches and targets), no --set.
      const c = unwrap(compile({ root, onStage: stageTimer(o) }), o);
      const dir = o.out ? resolve(o.out) : join(root, c.tree.settings.generatedDir);
      refuseOutputPlace(root, dir, o);
      if (await inOutputDir(dir, o, () => recoverOutput(dir)))
        process.stderr.write("jobdef check: finished an interrupted compile first\n");
      const compiled = { branches: c.branches.map((b) => b.branch.name), targets: c.targets };
      const source = inputs && { jobdef: JOBDEF_VERSION, inputs };
      const r = await inOutputDir(dir, o, () => checkOutput(dir, c.files, compiled, source));
      const shown = displayDir(dir);
      const differing = r.stale.length + r.missing.length + r.extra.length;
      if (!differing) {
        if (source) {
          const { parseManifest } = await import("../manifest.js");
          const text = r.manifest.content;
          const generatedDir = c.tree.settings.generatedDir;
          (await import("../up-to-date.js")).rememberOutput(
            cacheDir,
            root,
            generatedDir,
            dir,
            text,
            parseManifest(text),
          );
        }
        process.stderr.write(`jobdef check: ${shown}/ is up to date (${r.upToDate} files)\n`);
        return;
      }
      const out: string[] = [];
      for (const [kind, list] of [
        ["stale", r.stale],
        ["missing", r.missing],
        ["extra", r.extra],
      ] as const) {
        for (const p of list) out.push(`${kind.padEnd(8)}${shown}/${p}\n`);
      }
      const byPath = new Map([...c.files, r.manifest].map((f) => [f.path, f]));
      const limit = Math.max(0, Number(o.diffs) || 0);
      for (const p of [...r.stale, ...r.missing, ...r.extra].slice(0, limit)) {
        const onDisk = r.missing.includes(p) ? undefined : readFileSync(join(dir, p), "utf8");
        out.push(`\n${unifiedDiff(`${shown}/${p}`, onDisk, byPath.get(p)?.content)}`);
      }
      process.stdout.write(escapeLines(out.join("")));
      process.stderr.write(
        `jobdef check: ${shown}/ is not what compile would write: ${r.stale.length} stale, ${r.missing.length} missing, ${r.extra.length} extra; run \`jobdef compile\` and commit the result\n`,
      );
      throw new ExitError(EXIT.diagnostics);
    });
}

/** `check` without compiling: the manifest's recorded inputs and the files' hashes prove the directory current. */
async function provenUpToDate(o: CheckOptions, root: string, cacheDir: string | undefined, start: number) {
  if (cacheDir === undefined) return false;
  const { proveUpToDate } = await import("../up-to-date.js");
  const out = o.out ? resolve(o.out) : undefined;
  const { proof, notes } = await proveUpToDate(root, { cacheDir, out, trustVersionAlone: true });
  reportNotes(notes);
  stageTimer(o)?.(`up-to-date proof (${proof.proven ? "proven" : proof.reason})`, performance.now() - start);
  if (!proof.proven) return false;
  process.stderr.write(
    `jobdef check: ${displayDir(proof.dir)}/ is up to date (${proof.files} files): its manifest's input and output hashes prove it, nothing compiled\n`,
  );
  return true;
}
