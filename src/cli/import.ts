import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type Command, Option } from "commander";
import { type Diagnostic, error } from "../diagnostics.js";
import { report } from "./common.js";
import { EXIT, ExitError } from "./errors.js";
import type { Format } from "./report.js";

interface ImportOptions {
  mozharness: string;
  inTree?: string;
  buildbot?: string;
  lists?: string;
  platform?: string;
  out: string;
  force?: boolean;
  format: Format;
}

const EXAMPLE = `
Example:
  jobdef import --mozharness linux_unittest.json --in-tree linux_config.json \\
    --buildbot suite-lists.json --lists MOCHITEST,REFTEST_NO_IPC,XPCSHELL --platform linux64 --out .

The inputs are the Python configs evaluated to JSON (e.g. python -c 'import json, runpy;
print(json.dumps(runpy.run_path("linux_unittest.py")["config"]))'). Each drafted file starts with a schema line
pointing at jobdef's schemas/, relative to the file. Values marked "# TODO: check" are guesses: review them, add
configs/branches/<branch>.yml, then run jobdef validate.`;

export function register(program: Command): void {
  program
    .command("import")
    .description("draft a configs/ tree from 2015 mozharness and buildbot-configs configs (as JSON)")
    .requiredOption(
      "--mozharness <file>",
      "mozharness repository config, e.g. configs/unittests/linux_unittest.py as JSON",
    )
    .option("--in-tree <file>", "in-tree mozharness config, e.g. testing/config/mozharness/linux_config.py as JSON")
    .option("--buildbot <file>", "buildbot-configs suite lists as JSON: NAME → [[buildername, {...}], ...]")
    .option("--lists <names>", "comma-separated suite lists to import (default: all, in file order)")
    .option("--platform <name>", "also draft configs/platforms/<name>.yml, holding the mozharness settings")
    .requiredOption("--out <dir>", "directory to write configs/ under")
    .option("--force", "overwrite existing files")
    .addOption(
      new Option("--format <format>", "diagnostics format").choices(["text", "json", "github"]).default("text"),
    )
    .addHelpText("after", EXAMPLE)
    .action(async (o: ImportOptions) => {
      const { importConfigs } = await import("../import/index.js");
      const { PACKAGE_ROOT } = await import("../package-root.js");
      const outDir = resolve(o.out);
      const inputs = {
        mozharness: readInput(o.mozharness, o),
        ...(o.inTree ? { inTree: readInput(o.inTree, o) } : {}),
        ...(o.buildbot ? { buildbot: readInput(o.buildbot, o) } : {}),
        ...(o.lists
          ? {
              lists: o.lists
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean),
            }
          : {}),
        ...(o.platform ? { platform: o.platform } : {}),
      };
      const r = importConfigs(inputs, { outDir, schemasDir: join(PACKAGE_ROOT, "schemas") });
      if (!r.ok) stop(r.diagnostics, o);
      report(r.warnings, { root: ".", format: o.format });
      const existing = r.value.files.filter((f) => existsSync(join(outDir, f.path)));
      if (existing.length && !o.force)
        stop(
          existing.map((f) =>
            error(
              "JD064",
              `cannot import: ${f.path} exists under ${o.out}; use --force to overwrite the drafted files`,
            ),
          ),
          o,
        );
      for (const f of r.value.files) {
        mkdirSync(dirname(join(outDir, f.path)), { recursive: true });
        writeFileSync(join(outDir, f.path), f.content);
      }
      const todos = r.value.files.flatMap((f) => f.todos.map((t) => `  ${f.path}:${t}`));
      const count = (kind: string) => r.value.files.filter((f) => f.path.startsWith(`configs/${kind}/`)).length;
      process.stdout.write(
        `jobdef: wrote ${r.value.files.length} files under ${join(o.out, "configs")}: defaults.yml, ${count("harnesses")} harnesses, ${count("platforms")} platforms, ${count("suites")} suites\n` +
          (todos.length ? `${todos.length} values to review (marked "# TODO: check"):\n${todos.join("\n")}\n` : "") +
          `Next: review them, add configs/branches/<branch>.yml${o.platform ? "" : " and configs/platforms/<platform>.yml"}, then jobdef validate --root ${o.out}\n`,
      );
    });
}

function readInput(path: string, o: ImportOptions): { path: string; text: string } {
  try {
    return { path, text: readFileSync(path, "utf8") };
  } catch (e) {
    return stop([error("JD064", `cannot import: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? e})`)], o);
  }
}

/** Diagnostics of import print like every command's; paths in them are as the user gave them (root: cwd). */
function stop(list: readonly Diagnostic[], o: ImportOptions): never {
  report(list, { root: ".", format: o.format });
  throw new ExitError(EXIT.diagnostics);
}
