/**
 * Every emitted mozharness job as the simulated 2015 machine runs it, and the run of the same script, suite and
 * chunk from the hand-written 2015 configs (the reference). A job's machine job holds what its scheduler holds: the
 * `--cfg` files from generated/, the in-tree config a build of its platform ships in its tests zip (at the main
 * config's `in_tree_config`), buildprops.json for buildbot. Runs with byte-identical inputs are made once.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inTreeConfigFile } from "../../src/emit/mozharness-args.js";
import type { EmittedJob } from "./emitted-jobs.js";
import { type MachineJob, type MachineResult, pythonConfigFile, WORK_DIRS } from "./machine-2015.js";
import { requireShared } from "./shared.js";
import { REPO } from "./tree.js";

/**
 * The 2015 configs of each script, per OS (the snapshot's configs/), and where each names its in-tree config.
 * `inTree: "2015"`: the 2015 in-tree linux_config (../shared/reference/); mac_config.py and windows_config.py of
 * 2015 carried the same suite_definitions. `"emitted"`: no 2015 in-tree config of that script is in the reference,
 * so the reference run gets the emitted one at its path and the comparison covers the main config.
 */
interface Reference {
  readonly cfg: string;
  readonly inTreePath: string;
  readonly inTree: "2015" | "emitted";
  /** Actions the machine cannot run (mozharness's own --no-<action>). */
  readonly skip?: readonly string[];
  /** Arguments of the emitted job that stand in for what this 2015 config holds itself. */
  readonly drop?: readonly (readonly string[])[];
}

/** marionette/*_config.py's default_actions have read-buildbot-config, which the emitted jobs add by argument. */
const MARIONETTE_DROP = [["--add-action", "read-buildbot-config"]];

const DESKTOP = (cfg: string, inTree: string): Reference => ({
  cfg: `unittests/${cfg}`,
  inTreePath: `config/mozharness/${inTree}`,
  inTree: "2015",
});

const MARIONETTE = (cfg: string): Reference => ({
  cfg: `marionette/${cfg}`,
  inTreePath: "config/mozharness/marionette.py",
  inTree: "emitted",
  drop: MARIONETTE_DROP,
});

const REFERENCES: Record<string, Partial<Record<string, Reference>>> = {
  "scripts/desktop_unittest.py": {
    linux: DESKTOP("linux_unittest.py", "linux_config.py"),
    macosx: DESKTOP("mac_unittest.py", "mac_config.py"),
    windows: DESKTOP("win_unittest.py", "windows_config.py"),
  },
  "scripts/android_emulator_unittest.py": {
    // setup-avds fetches the AVDs' tooltool manifest from hg.mozilla.org, which this machine does not serve
    android: {
      cfg: "android/androidarm_4_3.py",
      inTreePath: "config/mozharness/android_arm_4_3_config.py",
      inTree: "emitted",
      skip: ["setup-avds"],
    },
  },
  "scripts/marionette.py": {
    linux: MARIONETTE("prod_config.py"),
    macosx: MARIONETTE("prod_config.py"),
    windows: MARIONETTE("windows_config.py"),
  },
  "scripts/web_platform_tests.py": {
    linux: {
      cfg: "web_platform_tests/prod_config.py",
      inTreePath: "config/mozharness/web_platform_tests_config.py",
      inTree: "emitted",
    },
    macosx: {
      cfg: "web_platform_tests/prod_config.py",
      inTreePath: "config/mozharness/web_platform_tests_config.py",
      inTree: "emitted",
    },
    windows: {
      cfg: "web_platform_tests/prod_config_windows.py",
      inTreePath: "config/mozharness/web_platform_tests_config.py",
      inTree: "emitted",
    },
  },
};

let inTree2015: string | undefined;
function linuxInTree2015(): string {
  inTree2015 ??= pythonConfigFile(
    JSON.parse(
      readFileSync(
        requireShared("reference", "mozharness", "gecko-in-tree.testing.config.mozharness.linux_config.json"),
        "utf8",
      ),
    ),
  );
  return inTree2015;
}

const texts = new Map<string, string>();
function text(path: string): string {
  let t = texts.get(path);
  if (t === undefined) {
    t = readFileSync(join(REPO, path), "utf8");
    texts.set(path, t);
  }
  return t;
}

/** The emitted in-tree config of the job's branch and platform, and where its main config says the zip holds it. */
function emittedInTree(job: EmittedJob, generated: string): { path: string; text: string } {
  const main = job.configFiles.at(-1)!;
  const value = JSON.parse(text(main.replace(/\.py$/, ".json"))) as { in_tree_config?: string };
  if (!value.in_tree_config) throw new Error(`${main} names no in_tree_config`);
  return { path: value.in_tree_config, text: text(`${generated}/${inTreeConfigFile(job.branch, job.platform)}.py`) };
}

/**
 * buildbot's buildprops.json for a job; a reference's names the branch only (no builder ran it, and no 2015 harness
 * command depends on the builder's name), so the references of one suite and chunk are one run.
 */
function buildprops(job: EmittedJob, builder = true): MachineJob["buildprops"] {
  if (job.scheduler !== "buildbot") return undefined;
  return { properties: builder ? { branch: job.branch, buildername: job.label } : { branch: job.branch } };
}

/** The machine job of an emitted job: its argv, config files and in-tree config as emitted. */
export function emittedRun(job: EmittedJob, generated = "generated"): MachineJob {
  const inTree = emittedInTree(job, generated);
  return {
    id: "",
    layout: job.scheduler,
    os: job.os,
    script: job.script,
    argv: job.argv,
    files: Object.fromEntries(job.configFiles.map((c) => [c, text(c)])),
    testsZip: { [inTree.path]: inTree.text },
    buildprops: buildprops(job),
  };
}

/** The machine job of the same script, suite and chunk from the 2015 configs, or why there is none. */
export function referenceRun(job: EmittedJob, generated = "generated"): MachineJob | string {
  const ref = REFERENCES[job.script]?.[job.os];
  if (!ref) return `no 2015 config of ${job.script} for ${job.os}`;
  const argv: string[] = [];
  for (let i = 0; i < job.argv.length; i++) {
    const dropped = ref.drop?.find((d) => d.every((a, k) => job.argv[i + k] === a));
    if (dropped) i += dropped.length - 1;
    else if (job.argv[i] === "--cfg") {
      if (!argv.includes(ref.cfg)) argv.push("--cfg", ref.cfg);
      i++;
    } else argv.push(job.argv[i]!);
  }
  argv.push(...(ref.skip ?? []).map((a) => `--no-${a}`));
  const inTree = ref.inTree === "2015" ? linuxInTree2015() : emittedInTree(job, generated).text;
  return {
    id: "",
    layout: job.scheduler,
    os: job.os,
    script: job.script,
    argv,
    testsZip: { [ref.inTreePath]: inTree },
    buildprops: buildprops(job, false),
  };
}

/** A key equal for machine jobs with byte-identical inputs. */
export function runKey(job: MachineJob): string {
  return createHash("sha256")
    .update(JSON.stringify([job.layout, job.os, job.script, job.argv, job.files, job.testsZip, job.buildprops]))
    .digest("hex");
}

/**
 * A harness command with the machine's paths normalised: the layout's work dir and the fake build's directory
 * (a temporary directory per run) become placeholders.
 */
export function normalisedHarness(r: MachineResult, layout: keyof typeof WORK_DIRS): string[] | null {
  return r.harness ? withoutBuildDir(r.harness).map((a) => a.split(WORK_DIRS[layout]).join("<work>")) : null;
}

/** The arguments with the fake build's directory (a temporary directory per run) as `<build>`. */
export function withoutBuildDir(argv: readonly string[]): string[] {
  return argv.map((a) => a.replace(/\/tmp\/machine-2015-[^/]+\/job-\d+\/build/g, "<build>"));
}
