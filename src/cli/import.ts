import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type Command, Option } from "commander";
import { type Diagnostic, error } from "../diagnostics.js";
import { collect, report } from "./common.js";
import { EXIT, ExitError } from "./errors.js";
import type { Format } from "./report.js";

interface ImportOptions {
  mozharness: string[];
  inTree?: string;
  buildbot?: string;
  lists?: string;
  assign: string[];
  platform?: string;
  pythonCwd: string;
  pythonExecutable?: string;
  pythonDeadline: string;
  out: string;
  force?: boolean;
  format: Format;
}

const EXAMPLE = `
Examples:
  jobdef import --mozharness linux64=configs/unittests/linux_unittest.py \\
    --mozharness macosx64=configs/unittests/mac_unittest.py --mozharness win32=configs/unittests/win_unittest.py \\
    --mozharness android-4.3=configs/android/androidarm_4_3.py \\
    --in-tree testing/config/mozharness/linux_config.py --buildbot suite-lists.json --out .
  jobdef import --mozharness linux_unittest.json --platform linux64 --buildbot suite-lists.json --lists XPCSHELL --out .

A .py config is run by python3 (python2.7 when only Python 2 reads it) with a deadline, as mozharness would load it,
with os.getcwd() and sys.executable as on a 2015 test machine (--python-cwd, --python-executable); a .json file is
the config already evaluated. Several platforms go into one tree: settings they share into defaults.yml, values that
differ keyed by platform. Each drafted file ends with a stamp of its text: --force overwrites a drafted file nobody
edited, and keeps a hand-edited one, writing the new draft beside it as <file>.rej. Values marked "# TODO: check"
are guesses: review them, add configs/branches/<branch>.yml, then run jobdef validate. A buildername that several
lists give differently (reftest in REFTEST_ONE_CHUNK and REFTEST_TWO_CHUNKS) becomes one suite, keyed by platform,
build type and branch, when --assign says where each list ran (--assign REFTEST_TWO_CHUNKS=linux64/opt); the one
list left unassigned runs everywhere else. Without it the first list wins, with a warning.`;

export function register(program: Command): void {
  program
    .command("import")
    .description("draft a configs/ tree from 2015 mozharness configs (Python or JSON) and buildbot-configs suite lists")
    .requiredOption(
      "--mozharness <[platform=]file>",
      "mozharness repository config, .py or .json (repeatable as platform=file, one per platform)",
      collect,
      [],
    )
    .option("--in-tree <file>", "in-tree mozharness config, .py or .json (testing/config/mozharness/linux_config.py)")
    .option("--buildbot <file>", "buildbot-configs suite lists as JSON: NAME → [[buildername, {...}], ...]")
    .option("--lists <names>", "comma-separated suite lists to import (default: all, in file order)")
    .option(
      "--assign <LIST=platform[/build-type[/branch]]>",
      "where a suite list ran (* for any), as mozilla-tests/config.py chose; folds a buildername's lists into one suite (repeatable)",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option("--platform <name>", "with one --mozharness file: also draft configs/platforms/<name>.yml")
    .option("--python-cwd <dir>", "os.getcwd() while a .py config runs", "/builds/slave/test")
    .option(
      "--python-executable <path>",
      "sys.executable while a .py config runs (default: c:/mozilla-build/python27/python.exe for Windows configs, else /tools/buildbot/bin/python)",
    )
    .option("--python-deadline <ms>", "milliseconds before a .py config's python is killed", "20000")
    .requiredOption("--out <dir>", "directory to write configs/ under")
    .option("--force", "overwrite drafted files; a hand-edited file is kept and the new draft written as <file>.rej")
    .addOption(
      new Option("--format <format>", "diagnostics format").choices(["text", "json", "github"]).default("text"),
    )
    .addHelpText("after", EXAMPLE)
    .action(async (o: ImportOptions) => {
      const { importConfigs } = await import("../import/index.js");
      const { parseAssignment } = await import("../import/variants.js");
      const { PACKAGE_ROOT } = await import("../package-root.js");
      const { planWrites } = await import("../import/stamp.js");
      const outDir = resolve(o.out);
      const named = o.mozharness.filter((m) => /^[a-z0-9][a-z0-9._-]*=/.test(m));
      if (named.length && (named.length !== o.mozharness.length || o.platform))
        stop(
          [error("JD064", "cannot import: give every --mozharness as platform=file, or one file with --platform")],
          o,
        );
      const platforms = await Promise.all(
        named.map(async (m) => ({
          name: m.slice(0, m.indexOf("=")),
          input: await readConfig(m.slice(m.indexOf("=") + 1), o),
        })),
      );
      const inputs = {
        ...(platforms.length ? { platforms } : { mozharness: await readConfig(o.mozharness[0]!, o) }),
        ...(o.inTree ? { inTree: await readConfig(o.inTree, o) } : {}),
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
        ...(o.assign.length
          ? { assignments: o.assign.map((a) => parseAssignment(a) ?? stop([badAssignment(a)], o)) }
          : {}),
      };
      const r = importConfigs(inputs, { outDir, schemasDir: join(PACKAGE_ROOT, "schemas") });
      if (!r.ok) stop(r.diagnostics, o);
      report(r.warnings, { root: ".", format: o.format });
      // what happens to each file: written, unchanged, refused (exists, no --force) or kept with a .rej beside it
      const plan = planWrites(r.value.files, (path) => readExisting(join(outDir, path)), !!o.force);
      if (plan.refused.length)
        stop(
          plan.refused.map((f) =>
            error(
              "JD064",
              `cannot import: ${f.path} exists under ${o.out}; use --force to overwrite drafted files (hand-edited ones are kept, the new draft written as ${f.path}.rej)`,
            ),
          ),
          o,
        );
      for (const w of plan.writes) {
        mkdirSync(dirname(join(outDir, w.path)), { recursive: true });
        writeFileSync(join(outDir, w.path), w.content);
      }
      report(
        plan.kept.map((f) => ({
          ...error("JD065", `kept ${f.path}: edited by hand since it was drafted; the new draft is ${f.path}.rej`),
          severity: "warning" as const,
        })),
        { root: ".", format: o.format },
      );
      const todos = r.value.files.flatMap((f) => f.todos.map((t) => `  ${f.path}:${t}`));
      const count = (kind: string) => r.value.files.filter((f) => f.path.startsWith(`configs/${kind}/`)).length;
      process.stdout.write(
        `jobdef: wrote ${plan.writes.length} files under ${join(o.out, "configs")} (${plan.unchanged} unchanged, ${plan.kept.length} kept as edited): defaults.yml, ${count("harnesses")} harnesses, ${count("platforms")} platforms, ${count("suites")} suites\n` +
          (todos.length ? `${todos.length} values to review (marked "# TODO: check"):\n${todos.join("\n")}\n` : "") +
          `Next: review them, add configs/branches/<branch>.yml${count("platforms") ? "" : " and configs/platforms/<platform>.yml"}, then jobdef validate --root ${o.out}\n`,
      );
    });
}

/** A mozharness or in-tree config: a .py file evaluated by python, anything else read as JSON text. */
async function readConfig(path: string, o: ImportOptions): Promise<{ path: string; text: string }> {
  if (!path.endsWith(".py")) return readInput(path, o);
  if (!existsSync(path)) readInput(path, o); // the same JD064 as a missing JSON file
  const { evaluatePythonConfig } = await import("../import/python-config.js");
  const windows = /(^|[\\/])win[^\\/]*$/i.test(path);
  const executable =
    o.pythonExecutable ?? (windows ? "c:/mozilla-build/python27/python.exe" : "/tools/buildbot/bin/python");
  const deadlineMs = Number(o.pythonDeadline);
  if (!Number.isInteger(deadlineMs) || deadlineMs < 1)
    stop([error("JD064", `cannot import: --python-deadline must be a positive number of milliseconds`)], o);
  const r = evaluatePythonConfig(path, { cwd: o.pythonCwd, executable, deadlineMs });
  if (!r.ok) stop(r.diagnostics, o);
  return { path, text: r.value };
}

function readExisting(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function readInput(path: string, o: ImportOptions): { path: string; text: string } {
  try {
    return { path, text: readFileSync(path, "utf8") };
  } catch (e) {
    return stop([error("JD064", `cannot import: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? e})`)], o);
  }
}

/** Diagnostics of import print like every command's; paths in them are as the user gave them (root: cwd). */
function badAssignment(text: string): Diagnostic {
  return error("JD064", `cannot import: --assign ${text}: expected LIST=platform[/build-type[/branch]], * for any`);
}

function stop(list: readonly Diagnostic[], o: ImportOptions): never {
  report(list, { root: ".", format: o.format });
  throw new ExitError(EXIT.diagnostics);
}
