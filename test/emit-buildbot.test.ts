/**
 * The buildbot emitter on test/fixtures/scheduler: buildbot-configs' suite-list shape, the Python twin, and the
 * builders the Python loader (integrations/buildbot/jobdef_buildbot.py) makes of it, whose commands pass the same
 * arguments as the TaskCluster tasks of the same jobs.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { compile } from "../src/compile.js";
import { mozharnessInvocation } from "../src/emit/mozharness-args.js";
import { materialize, taskIdFromSeed } from "../src/materialize.js";
import { REPO, writeTree } from "./helpers/tree.js";
import { decodeWindowsLine } from "./helpers/windows-command-line.js";

const ROOT = join(REPO, "test", "fixtures", "scheduler");
const INTEGRATION = join(REPO, "integrations", "buildbot");
const LINT_ARGS = ["python3", "lint.py", "a&b|c", "%PATH%", 'say "hi"', "<build>", "{revision}", "C:\\dir\\", "^!()"];
const ENTRY_KEYS = [
  "suite",
  "use_mozharness",
  "script_path",
  "extra_args",
  "blob_upload",
  "download_symbols",
  "script_maxtime",
  "timeout",
  "totalChunks",
  "chunk_args",
  "env",
  "command",
  "cwd",
];

interface BuilderSpec {
  name: string;
  label: string;
  branch: string;
  worker: string;
  use_mozharness: boolean;
  command: string[];
  env: Record<string, string>;
  workdir: string;
}

function compileFixture(targets: ("buildbot" | "taskcluster")[] = ["buildbot"]) {
  const r = compile({ root: ROOT, branches: ["central", "try"], targets });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  return r.value;
}

function python(code: string, ...args: string[]): string {
  const p = spawnSync("python3", ["-c", code, ...args], {
    encoding: "utf8",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  assert.equal(p.status, 0, p.stderr);
  return p.stdout;
}

test("per platform: buildbot-configs' suite lists, and the config files every builder loads", () => {
  const { files, tree, branches } = compileFixture();
  const bb = JSON.parse(files.find((f) => f.path === "buildbot/try.json")!.content);
  assert.deepEqual(Object.keys(bb.platforms), ["linux64"]);
  const linux = bb.platforms.linux64;
  assert.equal(linux.slave_platform, "ubuntu64_vm");
  assert.deepEqual(linux.build_types, ["opt", "debug"]);
  const job = branches[1]!.jobs.find((j) => j.label === "test-linux64/debug-mochitest-plain-1")!;
  const inv = mozharnessInvocation(tree, job);
  assert.deepEqual(linux.suite_config.config_files, inv.configFiles);
  assert.deepEqual(
    linux.debug_unittest_suites.map(([name]: [string]) => name),
    ["lint", "mochitest"],
  );
  assert.deepEqual(linux.debug_unittest_suites[1], [
    "mochitest",
    {
      suite: "mochitest-plain",
      use_mozharness: true,
      script_path: "scripts/desktop_unittest.py",
      extra_args: [...inv.suiteArgs, ...inv.extraArgs, "--download-symbols", "ondemand"],
      blob_upload: true,
      script_maxtime: 3600,
      timeout: 2400,
      totalChunks: 3,
      env: { NEED_WINDOW_MANAGER: "true" },
    },
  ]);
  assert.deepEqual(linux.opt_unittest_suites[0], [
    "lint",
    {
      suite: "lint",
      use_mozharness: false,
      command: LINT_ARGS,
      cwd: "tools/lint",
      env: { LINT_FORMAT: "treeherder" },
      script_maxtime: 600,
      totalChunks: 2,
    },
  ]);
  for (const [, entry] of [...linux.opt_unittest_suites, ...linux.debug_unittest_suites]) {
    for (const key of Object.keys(entry)) assert.ok(ENTRY_KEYS.includes(key), `unexpected key ${key}`);
  }
});

test("the Python twin defines the same value as the JSON file", () => {
  const { files } = compileFixture();
  for (const branch of ["central", "try"]) {
    const json = files.find((f) => f.path === `buildbot/${branch}.json`)!.content;
    const py = files.find((f) => f.path === `buildbot/${branch}.py`)!.content;
    const out = python("import json, sys\nns = {}\nexec(sys.argv[1], ns)\nprint(json.dumps(ns['config']))", py);
    assert.deepEqual(JSON.parse(out), JSON.parse(json), branch);
  }
});

test("the loader makes one builder per job, passing the arguments the TaskCluster task passes", () => {
  const { files, branches } = compileFixture(["buildbot", "taskcluster"]);
  const dir = mkdtempSync(join(tmpdir(), "jobdef-buildbot-"));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  const specs = JSON.parse(
    python(
      "import json, sys\nsys.path.insert(0, sys.argv[1])\nimport jobdef_buildbot as j\nprint(json.dumps(j.builder_specs(j.load_branches(sys.argv[2]))))",
      INTEGRATION,
      dir,
    ),
  ) as BuilderSpec[];
  for (const b of branches) {
    const mine = specs.filter((s) => s.branch === b.branch.name);
    assert.deepEqual(mine.map((s) => s.label).sort(), b.jobs.map((j) => j.label).sort(), b.branch.name);
    const graph = JSON.parse(files.find((f) => f.path === `taskcluster/${b.branch.name}.json`)!.content);
    // biome-ignore lint/suspicious/noExplicitAny: the payload is navigated freely; the assertions check it
    const tasks: Record<string, any> = materialize(graph, {
      now: new Date(0),
      taskIdFor: taskIdFromSeed,
      parameters: { revision: "0", pushlog_id: "0" },
    });
    for (const spec of mine) {
      const payloadCommand = tasks[spec.label]!.payload.command as (string | string[])[];
      const command =
        tasks[spec.label]!.tags.os === "windows"
          ? decodeWindowsLine(payloadCommand[0] as string)
          : payloadCommand.flat();
      const tc = command.slice(command.indexOf("--") + 1);
      if (!spec.use_mozharness) {
        assert.deepEqual(spec.command, LINT_ARGS, spec.name);
        assert.equal(spec.workdir, "tools/lint");
        continue;
      }
      // TaskCluster's command after the script, without the build's URLs and --no-read-buildbot-config (buildbot
      // gets the build as properties, in buildprops.json)
      const script = tc.findIndex((a) => a.endsWith(".py"));
      const tcArgs = tc
        .slice(script + 1)
        .filter(
          (a, i, all) =>
            a !== "--no-read-buildbot-config" &&
            !/^--(installer|test-packages|test)-url$/.test(a) &&
            !/^--(installer|test-packages|test)-url$/.test(String(all[i - 1])),
        );
      assert.equal(spec.command[2], tc[script], `${spec.name}: same script`);
      assert.deepEqual(spec.command.slice(3), tcArgs, `${spec.name}: the same arguments in the same order`);
    }
  }
  const names = specs.map((s) => s.name);
  assert.ok(names.includes("linux64 central debug test mochitest-3"), names.join("\n"));
  assert.ok(names.includes("win32 central opt test lint-2"));
  assert.deepEqual([...new Set(specs.map((s) => s.worker))].sort(), ["macosx64", "ubuntu64_vm", "win7-ix"]);
});

test("two suites that give one builder name are refused at compile (JD045), at the buildbot name that set it", () => {
  const root = writeTree({
    "configs/suites/other.yml":
      "description: o\nharness: mochitest\ntreeherder: {symbol: 'M(o)'}\nbuildbot:\n  name: plain-1\n",
  });
  const r = compile({ root, targets: ["buildbot"] });
  assert.equal(r.ok, false);
  const d = !r.ok ? r.diagnostics.filter((x) => x.code === "JD045") : [];
  assert.equal(d.length, 1, JSON.stringify(!r.ok && r.diagnostics));
  const places = [d[0]!, ...(d[0]!.related ?? [])].map((p) => `${p.file}:${p.line}:${p.column}`);
  assert.ok(places.includes("configs/suites/other.yml:5:9"), places.join(" "));
  assert.match(
    d[0]!.message,
    /buildbot builder plain-1 on .* is produced by suite (other|plain) and suite (plain|other)/,
  );
});
