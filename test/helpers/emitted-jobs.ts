/**
 * Every mozharness job the checked-in output holds, read as its consumers read it: buildbot's builders as the
 * shipped loader (`integrations/buildbot/jobdef_buildbot.py`, its `builder_specs()`) makes them from
 * `generated/buildbot/<branch>.json`, and TaskCluster's tasks from `generated/taskcluster/<branch>.json`, each
 * command after run-task's `--` (a Windows command line decoded as cmd.exe passes it). The build's URLs in a task's
 * command become `{installer_url}`/`{test_packages_url}`/`{test_url}`, which the simulated machine fills in.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadValidTree } from "../../src/compile.js";
import { decodeWindowsLine } from "../../src/windows-command-line.js";
import type { MachineOs } from "./machine-2015.js";
import { REPO } from "./tree.js";

export const GENERATED = join(REPO, "generated");
const LOADER_DIR = join(REPO, "integrations", "buildbot");
const MOZHARNESS_PREFIX = "testing/mozharness/";

export interface EmittedJob {
  readonly label: string;
  readonly branch: string;
  readonly scheduler: "buildbot" | "taskcluster";
  readonly platform: string;
  readonly os: MachineOs;
  /** The script relative to mozharness (`scripts/desktop_unittest.py`). */
  readonly script: string;
  /** The script's arguments as the scheduler passes them (build URLs as placeholders). */
  readonly argv: readonly string[];
  /** The `--cfg` files, relative to the checkout root the command runs from. */
  readonly configFiles: readonly string[];
}

type Obj = Record<string, unknown>;

/** The OS of each platform of the embedded tree (android platforms run Android builds). */
function platformOs(): Map<string, MachineOs> {
  const tree = loadValidTree(REPO);
  if (!tree.ok) throw new Error(`the embedded tree does not load: ${JSON.stringify(tree.diagnostics[0])}`);
  return new Map([...tree.value.platforms].map(([name, p]) => [name, p.spec.os as MachineOs]));
}

function configFilesOf(argv: readonly string[]): string[] {
  return argv.flatMap((a, i) => (i > 0 && argv[i - 1] === "--cfg" ? [a] : []));
}

/** Buildbot's mozharness builders, from the loader itself (python3). */
function buildbotJobs(generated: string, os: Map<string, MachineOs>): EmittedJob[] {
  const code =
    "import json, sys, jobdef_buildbot as b\n" +
    "json.dump(b.builder_specs(b.load_branches(sys.argv[1])), sys.stdout)\n";
  const r = spawnSync("python3", ["-c", code, generated], {
    cwd: LOADER_DIR,
    env: { ...process.env, PYTHONPATH: LOADER_DIR },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`the buildbot loader failed: ${r.stderr || r.error}`);
  const specs = JSON.parse(r.stdout) as Obj[];
  return specs
    .filter((s) => s.use_mozharness)
    .map((s) => {
      const command = s.command as string[];
      const argv = command.slice(3);
      return {
        label: s.label as string,
        branch: s.branch as string,
        scheduler: "buildbot" as const,
        platform: s.platform as string,
        os: os.get(s.platform as string)!,
        script: command[2]!.slice(MOZHARNESS_PREFIX.length),
        argv,
        configFiles: configFilesOf(argv),
      };
    });
}

/** A task-reference URL of the build's artifact as the placeholder the machine fills in. */
function buildUrl(url: string): string {
  if (/\.test_packages\.json$/.test(url)) return "{test_packages_url}";
  if (/\.tests\.zip$/.test(url)) return "{test_url}";
  return "{installer_url}";
}

function commandAfterRunTask(command: unknown): string[] {
  const text = (a: unknown) => (typeof a === "string" ? a : buildUrl(String((a as Obj)["task-reference"])));
  const list = (command ?? []) as unknown[];
  let argv: string[];
  if (Array.isArray(list[0])) argv = (list[0] as unknown[]).map(text);
  else if (list.length === 1) {
    const line = typeof list[0] === "string" ? list[0] : String((list[0] as Obj)["task-reference"]);
    argv = decodeWindowsLine(line).map((a) => (a.includes("/<build>/") ? buildUrl(a) : a));
  } else argv = list.map(text);
  const dashes = argv.indexOf("--");
  return dashes < 0 ? argv : argv.slice(dashes + 1);
}

/** TaskCluster's mozharness tasks of one branch's graph. */
function taskclusterJobs(file: string, os: Map<string, MachineOs>): EmittedJob[] {
  const graph = JSON.parse(readFileSync(file, "utf8")) as Record<string, Obj>;
  const jobs: EmittedJob[] = [];
  for (const [label, entry] of Object.entries(graph)) {
    if (label.startsWith("$")) continue;
    const attributes = entry.attributes as Obj;
    if (attributes.generic || attributes.harness === undefined) continue;
    const after = commandAfterRunTask((entry.task as Obj & { payload: Obj }).payload.command);
    const scriptAt = after.findIndex((a) => a.startsWith(MOZHARNESS_PREFIX));
    if (scriptAt < 0) continue;
    const argv = after.slice(scriptAt + 1);
    jobs.push({
      label,
      branch: attributes.branch as string,
      scheduler: "taskcluster",
      platform: attributes.platform as string,
      os: os.get(attributes.platform as string)!,
      script: after[scriptAt]!.slice(MOZHARNESS_PREFIX.length),
      argv,
      configFiles: configFilesOf(argv),
    });
  }
  return jobs;
}

/** Every emitted mozharness job of every checked-in branch, buildbot's first. */
export function emittedJobs(generated = GENERATED): EmittedJob[] {
  const os = platformOs();
  const tcDir = join(generated, "taskcluster");
  const tc = existsSync(tcDir)
    ? readdirSync(tcDir)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .flatMap((f) => taskclusterJobs(join(tcDir, f), os))
    : [];
  const bb = existsSync(join(generated, "buildbot")) ? buildbotJobs(generated, os) : [];
  return [...bb, ...tc];
}
