/**
 * The command desktop_unittest.py would run, assembled in Python from the generated config and the arguments the
 * schedulers pass, equals the command the job model describes: harness runner, chunk, harness options, suite
 * options, extra arguments (../shared/reference/README.md, "mozharness").
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { compile } from "../src/compile.js";
import {
  generatedConfigPath,
  inTreeConfigFile,
  isChunked,
  mozharnessArgv,
  mozharnessInvocation,
} from "../src/emit/mozharness-args.js";
import type { OutputFile } from "../src/emit/types.js";
import type { Job } from "../src/expand.js";
import type { Tree } from "../src/model.js";
import { REPO } from "./helpers/tree.js";
import { PythonChecker } from "./python/python-checker.js";

const python = new PythonChecker();
after(() => python.close());

const PLACEHOLDER = /%\(([^)]+)\)s/g;

/** One job per harness: chunk 2 of a chunked suite when the harness has one. */
function pickJobs(jobs: readonly Job[], platform: string, harnesses: readonly string[]): Job[] {
  return harnesses.map((h) => {
    const mine = jobs.filter((j) => j.platform === platform && j.harness === h);
    const job = mine.find((j) => j.chunks > 1 && j.chunk === 2) ?? mine[0];
    assert.ok(job, `no ${h} job on ${platform}`);
    return job;
  });
}

/** What the job model says the harness command is, with every `%(name)s` replaced by `<name>`. */
function expectedCommand(tree: Tree, job: Job) {
  const h = job.runner!;
  const fill = (o: string) => o.replace(PLACEHOLDER, (_, name: string) => `<${name}>`);
  const mh = job.spec.mozharness ?? {};
  return {
    command: [
      "python",
      "-u",
      `tests/${h.testsDir}/${h.runFile}`,
      ...(isChunked(job) ? ["--total-chunks", String(job.chunks), "--this-chunk", String(job.chunk)] : []),
      ...h.options.map(fill),
      ...(mh.options ?? []).map(fill),
      ...(mh["extra-args"] ?? []),
    ],
    env: { ...(mh.env ?? {}) },
    unpack: [...(tree.defaults.spec.mozharness?.["minimum-tests-zip-dirs"] ?? []), ...h.zipDirs],
    values: Object.fromEntries(
      [...h.options, ...(mh.options ?? [])].flatMap((o) =>
        [...o.matchAll(PLACEHOLDER)].map((m) => [m[1]!, `<${m[1]}>`]),
      ),
    ),
  };
}

/** The mozharness arguments a scheduler's task passes: everything after the script in its command. */
function argvFromTaskcluster(files: readonly OutputFile[], job: Job, script: string): unknown[] | undefined {
  const file = files.find((f) => f.path === `taskcluster/${job.branch}.json`);
  if (!file) return undefined;
  const task = (JSON.parse(file.content) as Record<string, { task: { payload: { command: unknown } } }>)[job.label];
  assert.ok(task, `no task ${job.label}`);
  const command = (task.task.payload.command as unknown[]).flat(2);
  const at = command.findIndex((a) => typeof a === "string" && a.endsWith(script));
  assert.ok(at >= 0, `${job.label}: ${script} not in ${JSON.stringify(command)}`);
  return command.slice(at + 1);
}

interface BuildbotSuite {
  suite: string;
  extra_args?: string[];
  totalChunks?: number;
  blob_upload?: boolean;
}

/**
 * The mozharness arguments of the buildbot builder of a job: `--cfg` per config file, the suite's extra_args, and
 * for `totalChunks: N` builder i's `--total-chunks N --this-chunk i` (../shared/reference/README.md, "buildbot").
 */
function argvFromBuildbot(files: readonly OutputFile[], job: Job): unknown[] | undefined {
  const file = files.find((f) => f.path === `buildbot/${job.branch}.json`);
  if (!file) return undefined;
  const platform = JSON.parse(file.content).platforms[job.platform];
  const suites = platform[`${job.buildType}_unittest_suites`] as [string, BuildbotSuite][];
  const entry = suites.find(([, s]) => s.suite === job.suite)?.[1];
  assert.ok(entry, `${job.label}: no buildbot suite ${job.suite}`);
  return [
    ...(platform.suite_config.config_files as string[]).flatMap((c) => ["--cfg", c]),
    ...(entry.extra_args ?? []),
    ...(entry.totalChunks ? ["--total-chunks", String(entry.totalChunks), "--this-chunk", String(job.chunk)] : []),
    ...(entry.blob_upload ? ["--blob-upload-branch", job.branch] : []),
  ];
}

test("desktop_unittest.py's command for one chunk of three suites equals the job model, from every scheduler's arguments", async () => {
  const r = compile({ root: REPO, branches: ["mozilla-central"] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  const { tree, files } = r.value;
  const dir = mkdtempSync(join(tmpdir(), "jobdef-command-"));
  const jobs = pickJobs(r.value.branches[0]!.jobs, "linux64", ["mochitest", "reftest", "xpcshell"]);
  assert.ok(
    jobs.some((j) => j.chunks > 1),
    "at least one chunked suite",
  );
  for (const job of jobs) {
    const inv = mozharnessInvocation(tree, job);
    const cfg = generatedConfigPath(tree, job.branch, job.platform);
    const base = cfg.replace(/^[^/]+\//, "").replace(/\.(json|py)$/, "");
    const twins: Record<string, string> = {};
    for (const ext of [".json", ".py"]) {
      const file = files.find((f) => f.path === `${base}${ext}`);
      assert.ok(file, `no ${base}${ext}`);
      twins[ext] = join(dir, `${job.label.replace(/\W/g, "_")}${ext}`);
      writeFileSync(twins[ext]!, file.content);
    }
    const inTreeFile = files.find((f) => f.path === `${inTreeConfigFile(job.branch, job.platform)}.py`);
    assert.ok(inTreeFile, `no in-tree config for ${job.label}`);
    const inTree = join(dir, `${job.label.replace(/\W/g, "_")}_in_tree.py`);
    writeFileSync(inTree, inTreeFile.content);
    const want = expectedCommand(tree, job);
    const schedulers: [string, unknown[] | undefined][] = [
      ["mozharnessInvocation", mozharnessArgv(inv)],
      ["taskcluster", argvFromTaskcluster(files, job, inv.script)],
      ["buildbot", argvFromBuildbot(files, job)],
    ];
    // the TaskCluster and buildbot emitters are part of the checked-in targets: both must be there
    assert.ok(
      schedulers.every(([, argv]) => argv),
      `${job.label}: a scheduler output is missing`,
    );
    for (const [scheduler, argv] of schedulers) {
      // mozharness reads a .json config as JSON and executes a .py one: both twins must give the same command
      for (const local of [twins[".json"]!, twins[".py"]!]) {
        const reply = await python.request("command", {
          argv: argv!,
          configs: { [cfg]: local },
          in_tree: inTree,
          tests_dir: "tests",
          values: want.values,
        });
        assert.ok(reply.ok, `${job.label} via ${scheduler}: ${reply.error}`);
        assert.deepEqual(reply.loaded, [cfg], `${job.label} via ${scheduler}: the generated config is loaded`);
        assert.deepEqual(reply.command, want.command, `${job.label} via ${scheduler} (${local})`);
        assert.deepEqual(reply.env, want.env, `${job.label} via ${scheduler}: harness env`);
        assert.deepEqual(reply.unpack, want.unpack, `${job.label} via ${scheduler}: unpacked test dirs`);
      }
    }
  }
});
