/**
 * The TaskCluster emitter on a small tree (test/fixtures/scheduler: Linux docker-worker, Windows and macOS
 * generic-worker, a chunked harness suite and a generic suite whose arguments carry shell metacharacters), and
 * materialize().
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { compile } from "../src/compile.js";
import { mozharnessArgv, mozharnessInvocation } from "../src/emit/mozharness-args.js";
import type { Arg } from "../src/emit/taskcluster-command.js";
import { windowsCommandLine } from "../src/emit/taskcluster-payload.js";
import { escapeTaskReference, taskReference } from "../src/emit/taskcluster-refs.js";
import type { Job } from "../src/expand.js";
import { materialize, parseRelative, taskIdFromSeed } from "../src/materialize.js";
import { REPO } from "./helpers/tree.js";
import { decodeWindowsLine } from "./helpers/windows-command-line.js";

const ROOT = join(REPO, "test", "fixtures", "scheduler");
const PARAMETERS = { revision: "abcdef0123456789abcdef0123456789abcdef01", pushlog_id: 7 };
const NOW = new Date("2015-09-01T00:00:00.000Z");
const LINT_ARGS = ["python3", "lint.py", "a&b|c", "%PATH%", 'say "hi"', "<build>", "{revision}", "C:\\dir\\", "^!()"];
const SLUGID = /^[A-Za-z0-9_-]{8}[Q-T][A-Za-z0-9_-][CGKOSWaeimquy26-][A-Za-z0-9_-]{10}[AQgw]$/;

// biome-ignore lint/suspicious/noExplicitAny: task JSON is navigated freely; the assertions check the values
type Task = Record<string, any>;
interface Entry {
  label: string;
  attributes: Record<string, unknown>;
  dependencies: Record<string, string>;
  task: Task;
}

function compileFixture(branch = "central") {
  const r = compile({ root: ROOT, branches: [branch], targets: ["taskcluster"] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  const file = r.value.files.find((f) => f.path === `taskcluster/${branch}.json`);
  assert.ok(file);
  return {
    ...r.value,
    file,
    graph: JSON.parse(file.content) as Record<string, Entry>,
    jobs: r.value.branches[0]!.jobs,
  };
}

function materialized(graph: Record<string, unknown>): Record<string, Task> {
  return materialize(graph, { now: NOW, taskIdFor: taskIdFromSeed, parameters: PARAMETERS });
}

test("the graph has one entry per job: label, attributes, the build dependency and a task", () => {
  const { graph, jobs, file } = compileFixture();
  assert.ok(file.content.startsWith('{\n  "$generated"'), "banner first");
  assert.deepEqual(
    Object.keys(graph)
      .filter((k) => !k.startsWith("$"))
      .sort(),
    jobs.map((j) => j.label).sort(),
  );
  const e = graph["test-win32/opt-mochitest-plain-2"]!;
  assert.equal(e.label, "test-win32/opt-mochitest-plain-2");
  assert.deepEqual(e.attributes, {
    kind: "test",
    branch: "central",
    platform: "win32",
    build_platform: "win32-build",
    build_type: "opt",
    suite: "mochitest-plain",
    chunk: 2,
    total_chunks: 3,
    harness: "mochitest",
  });
  assert.deepEqual(e.dependencies, { build: "build-win32-build/opt" });
  assert.equal(e.task.provisionerId, "scl3");
  assert.equal(e.task.workerType, "t-w732-ix");
  assert.equal(e.task.schedulerId, "gecko-level-3");
  assert.equal(e.task.priority, "high", "branch priority");
  assert.equal(e.task.retries, 5);
  assert.deepEqual(e.task.created, { "relative-datestamp": "0 seconds" });
  assert.deepEqual(e.task.deadline, { "relative-datestamp": "1 day" });
  assert.deepEqual(e.task.extra.treeherder, {
    symbol: "2",
    groupSymbol: "M",
    groupName: "Mochitest",
    tier: 1,
    jobKind: "test",
    machine: { platform: "windows7-32" },
    collection: { opt: true },
    labels: ["opt"],
  });
  assert.deepEqual(e.task.extra.chunks, { current: 2, total: 3 });
  const lint = graph["test-linux64/debug-lint-1"]!;
  assert.equal(lint.task.priority, "low", "the suite's priority wins over the branch's");
  assert.equal(lint.task.retries, 1);
  assert.equal(lint.attributes.generic, true);
  assert.equal(lint.task.extra.treeherder.tier, 2);
});

test("two compiles give identical bytes", () => {
  assert.equal(compileFixture().file.content, compileFixture().file.content);
});

test("harness tasks run the shared mozharness invocation (one argument order for every scheduler), then the build's packages", () => {
  const { graph, jobs, tree } = compileFixture("try");
  const job = jobs.find((j) => j.label === "test-linux64/opt-mochitest-plain-3") as Job;
  const task = graph[job.label]!.task;
  const command = task.payload.command as unknown[];
  const at = command.indexOf("testing/mozharness/scripts/desktop_unittest.py");
  assert.deepEqual(command.slice(0, at), [
    "run-task",
    "--vcs-checkout=/home/worker/checkouts/gecko",
    "--task-cwd=/home/worker/checkouts/gecko",
    "--",
    "python2.7",
    "-u",
  ]);
  const argv = mozharnessArgv(mozharnessInvocation(tree, job));
  assert.deepEqual(argv, [
    "--cfg",
    "unittests/linux_unittest.py",
    "--cfg",
    "generated/mozharness/try/linux64.py",
    "--mochitest-suite",
    "plain-chunked",
    "--e10s",
    "--download-symbols",
    "ondemand",
    "--blob-upload-branch",
    "try",
    "--total-chunks",
    "3",
    "--this-chunk",
    "3",
  ]);
  assert.deepEqual(command.slice(at + 1), [
    ...argv,
    "--no-read-buildbot-config",
    "--installer-url",
    { "task-reference": "https://queue.taskcluster.net/v1/task/<build>/artifacts/public/build/target.tar.bz2" },
    "--test-packages-url",
    {
      "task-reference":
        "https://queue.taskcluster.net/v1/task/<build>/artifacts/public/build/target.test_packages.json",
    },
  ]);
  assert.equal(task.payload.env.MOZHARNESS_CONFIG, "unittests/linux_unittest.py generated/mozharness/try/linux64.py");
  assert.equal(task.payload.env.NEED_WINDOW_MANAGER, "true");
  assert.deepEqual(task.payload.onExitStatus, { retry: [4] });
  assert.deepEqual(task.payload.capabilities, { devices: { loopbackVideo: true } });
  assert.deepEqual(task.payload.features, { allowPtrace: true });
  assert.deepEqual(Object.keys(task.payload.artifacts), ["public/logs", "public/test_info"]);
  assert.deepEqual(task.payload.cache, { "level-1-checkouts": "/home/worker/checkouts" });

  const t = materialized(graph)[job.label]!;
  const build = taskIdFromSeed("build-linux64/opt");
  assert.ok(
    t.payload.command.includes(`https://queue.taskcluster.net/v1/task/${build}/artifacts/public/build/target.tar.bz2`),
  );
  assert.deepEqual(t.dependencies, [build]);
  assert.deepEqual(t.routes, [
    `tc-treeherder.v2.try.${PARAMETERS.revision}.7`,
    `index.gecko.v2.try.revision.${PARAMETERS.revision}.test.linux64-opt.mochitest-plain-3`,
  ]);
  for (const route of t.routes) assert.ok(t.scopes.includes(`queue:route:${route}`), route);
  for (const scope of [
    "docker-worker:cache:level-1-checkouts",
    "docker-worker:feature:allowPtrace",
    "docker-worker:capability:device:loopbackVideo",
  ])
    assert.ok(t.scopes.includes(scope), scope);
  assert.equal(
    t.metadata.source,
    `https://hg.mozilla.org/try/file/${PARAMETERS.revision}/configs/suites/mochitest-plain.yml`,
  );
  assert.equal(t.payload.env.GECKO_HEAD_REV, PARAMETERS.revision);
  assert.equal(t.created, NOW.toISOString());
});

test("generic-worker payloads: argv lists on macOS, a quoted command line on Windows; no loopback device off Linux", () => {
  const { graph } = compileFixture();
  const mac = graph["test-macosx64/debug-mochitest-plain-1"]!.task.payload;
  assert.equal(mac.command.length, 1);
  assert.deepEqual(mac.command[0].slice(0, 5), [
    "python3",
    "run-task",
    "--vcs-checkout=checkouts/gecko",
    "--task-cwd=checkouts/gecko",
    "--",
  ]);
  assert.equal(mac.features, undefined, "loopback video is a Linux device");
  assert.deepEqual(mac.mounts[0], { cacheName: "level-3-checkouts", directory: "checkouts" });
  assert.deepEqual(mac.artifacts[0], {
    name: "public/logs",
    path: "checkouts/gecko/build/upload/logs",
    type: "directory",
    expires: { "relative-datestamp": "1 year" },
  });
  const win = materialized(graph)["test-win32/opt-mochitest-plain-1"]!.payload;
  assert.equal(win.command.length, 1);
  const argv = decodeWindowsLine(win.command[0]);
  assert.deepEqual(argv.slice(0, 7), [
    "python3",
    "run-task",
    "--vcs-checkout=checkouts/gecko",
    "--task-cwd=checkouts/gecko",
    "--",
    "python2.7",
    "-u",
  ]);
  assert.ok(
    argv.includes(
      `https://queue.taskcluster.net/v1/task/${taskIdFromSeed("build-win32-build/opt")}/artifacts/public/build/target.zip`,
    ),
  );
  assert.equal(
    win.mounts[1].content.url,
    `https://hg.mozilla.org/mozilla-central/raw-file/${PARAMETERS.revision}/taskcluster/scripts/run-task`,
  );
});

test("a generic suite's arguments reach its command unchanged on every worker: no shell, no substitution", () => {
  const { graph } = compileFixture();
  const tasks = materialized(graph);
  const linux = tasks["test-linux64/opt-lint-2"]!.payload;
  assert.deepEqual(linux.command.slice(-LINT_ARGS.length - 1), ["--", ...LINT_ARGS]);
  assert.ok(linux.command.includes("--task-cwd=/home/worker/checkouts/gecko/tools/lint"));
  assert.deepEqual(
    linux.artifacts["public/results.xml"].path,
    "/home/worker/checkouts/gecko/tools/lint/out/results.xml",
  );
  assert.equal(linux.env.LINT_FORMAT, "treeherder");
  assert.deepEqual([linux.env.THIS_CHUNK, linux.env.TOTAL_CHUNKS], ["2", "2"]);
  const mac = tasks["test-macosx64/debug-lint-1"]!.payload;
  assert.deepEqual(mac.command[0].slice(-LINT_ARGS.length - 1), ["--", ...LINT_ARGS]);
  const win = tasks["test-win32/opt-lint-1"]!.payload;
  assert.equal(typeof win.command[0], "string");
  assert.deepEqual(decodeWindowsLine(win.command[0]).slice(-LINT_ARGS.length - 1), ["--", ...LINT_ARGS]);
  assert.ok(
    win.command[0].includes("%%PATH%%") && win.command[0].includes("a^&b^|c"),
    "% doubled, metacharacters escaped",
  );
});

test("windowsCommandLine round-trips any arguments, task references included", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.string({ unit: "binary", maxLength: 12 }).filter((s) => !s.includes("\u0000")),
        { minLength: 1, maxLength: 5 },
      ),
      fc.nat(4),
      (args, refAt) => {
        const line = windowsCommandLine(args);
        assert.equal(typeof line, "string");
        assert.deepEqual(decodeWindowsLine(line as string), args);
        // the same arguments with a task reference among them
        const withRef: Arg[] = [...args];
        const i = Math.min(refAt, withRef.length);
        withRef.splice(i, 0, taskReference(`https://example.com/${escapeTaskReference(args[0]!)}/<build>/x`));
        const ref = windowsCommandLine(withRef);
        const resolved = materialize(
          { t: { dependencies: { build: "b" }, task: { c: ref } } },
          { now: NOW, taskIdFor: () => "TASKID" },
        ).t!.c as string;
        const want = [...args];
        want.splice(i, 0, `https://example.com/${args[0]}/TASKID/x`);
        assert.deepEqual(decodeWindowsLine(resolved), want);
      },
    ),
    { seed: 20150901, numRuns: 300 },
  );
});

test("materialize resolves datestamps, references and parameters, and leaves its input alone", () => {
  const graph = {
    $generated: "banner",
    a: {
      label: "a",
      dependencies: { build: "build-x", docker: "image-y" },
      task: {
        created: { "relative-datestamp": "0 seconds" },
        deadline: { "relative-datestamp": "2 hours 30 minutes" },
        past: { "relative-datestamp": "-1 day" },
        year: { "relative-datestamp": "1 year" },
        url: { "task-reference": "<build>/<docker>/<<literal>" },
        route: { "parameter-reference": "x.{revision}.{pushlog_id}.{{revision}" },
        plain: ["<build>", "{revision}", { nested: "<build>" }],
      },
    },
  };
  const before = JSON.stringify(graph);
  const ids: Record<string, string> = { "build-x": "BUILD", "image-y": "IMAGE" };
  const out = materialize(graph, { now: NOW, taskIdFor: (l) => ids[l]!, parameters: PARAMETERS, taskGroupId: "GROUP" });
  assert.equal(JSON.stringify(graph), before, "input unchanged");
  assert.deepEqual(Object.keys(out), ["a"], "$-keys skipped");
  assert.deepEqual(out.a, {
    created: "2015-09-01T00:00:00.000Z",
    deadline: "2015-09-01T02:30:00.000Z",
    past: "2015-08-31T00:00:00.000Z",
    year: "2016-08-31T00:00:00.000Z",
    url: "BUILD/IMAGE/<literal>",
    route: `x.${PARAMETERS.revision}.7.{revision}`,
    plain: ["<build>", "{revision}", { nested: "<build>" }],
    dependencies: ["BUILD", "IMAGE"],
    taskGroupId: "GROUP",
  });
  assert.throws(
    () => materialize({ a: { task: { x: { "task-reference": "<nope>" } } } }, { now: NOW, taskIdFor: () => "X" }),
    /no dependency "nope"/,
  );
  assert.throws(
    () =>
      materialize({ a: { task: { x: { "parameter-reference": "{revision}" } } } }, { now: NOW, taskIdFor: () => "X" }),
    /no parameter "revision"/,
  );
  assert.throws(() => parseRelative("soon"), /bad relative datestamp/);
  assert.throws(() => parseRelative("3 fortnights"), /unknown unit/);
});

test("taskIdFromSeed gives valid, stable, distinct slugids", () => {
  const ids = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const id = taskIdFromSeed(`label-${i}`);
    assert.match(id, SLUGID);
    ids.add(id);
  }
  assert.equal(ids.size, 500);
  assert.equal(taskIdFromSeed("x"), taskIdFromSeed("x"));
});
