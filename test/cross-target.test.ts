/**
 * Every scheduler runs the jobs it is given: for each branch of the embedded tree, the (platform, build type, suite,
 * chunk) set of `jobdef list` whose scheduler is taskcluster or both is the TaskCluster graph's, the set whose
 * scheduler is buildbot or both the buildbot suite lists', and every harness suite in
 * them is in that platform's mozharness config (`all_<harness>_suites`) and mach config.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { compile, loadValidTree } from "../src/compile.js";
import { mozharnessSuiteName, testSuiteDefinitionName } from "../src/emit/mozharness-args.js";
import { BIN, REPO } from "./helpers/tree.js";

type Key = string;
const key = (platform: string, buildType: string, suite: string, chunk: number): Key =>
  `${platform}/${buildType} ${suite} ${chunk}`;

interface BuildbotEntry {
  suite: string;
  totalChunks?: number;
  this_chunk?: number;
}

test("TaskCluster, buildbot and jobdef list agree on every branch's jobs; mozharness and mach know every suite", (t) => {
  const tree = loadValidTree(REPO);
  assert.ok(tree.ok);
  const branches = [...tree.value.branches.keys()].sort();
  const r = compile({ root: REPO, branches });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  assert.deepEqual([...r.value.targets].sort(), ["buildbot", "mach", "mozharness", "taskcluster"]);
  // biome-ignore lint/suspicious/noExplicitAny: generated JSON, navigated by the assertions
  const parsed = new Map<string, any>();
  // biome-ignore lint/suspicious/noExplicitAny: generated JSON, navigated by the assertions
  const file = (path: string): any => {
    if (!parsed.has(path)) {
      const f = r.value.files.find((x) => x.path === path);
      assert.ok(f, `no ${path}`);
      parsed.set(path, JSON.parse(f.content));
    }
    return parsed.get(path);
  };
  const list = spawnSync(BIN, ["list", "--json", "--root", REPO, ...branches.flatMap((b) => ["--branch", b])], {
    encoding: "utf8",
  });
  assert.equal(list.status, 0, list.stderr);
  const rows = JSON.parse(list.stdout) as {
    branch: string;
    platform: string;
    build_type: string;
    suite: string;
    chunk: number;
    scheduler: "buildbot" | "taskcluster" | "both";
  }[];

  let checked = 0;
  for (const branch of r.value.branches) {
    const name = branch.branch.name;
    const on = (scheduler: string) =>
      rows
        .filter((row) => row.branch === name && (row.scheduler === "both" || row.scheduler === scheduler))
        .map((row) => key(row.platform, row.build_type, row.suite, row.chunk));
    const listed = rows
      .filter((row) => row.branch === name)
      .map((row) => key(row.platform, row.build_type, row.suite, row.chunk));
    const graph = file(`taskcluster/${name}.json`) as Record<
      string,
      { attributes: { platform: string; build_type: string; suite: string; chunk: number } }
    >;
    const tc = Object.entries(graph)
      .filter(([k]) => !k.startsWith("$"))
      .map(([, e]) => key(e.attributes.platform, e.attributes.build_type, e.attributes.suite, e.attributes.chunk));
    const bb: Key[] = [];
    for (const [platform, config] of Object.entries(
      file(`buildbot/${name}.json`).platforms as Record<string, Record<string, unknown>>,
    )) {
      for (const buildType of config.build_types as string[]) {
        for (const [, entry] of config[`${buildType}_unittest_suites`] as [string, BuildbotEntry][]) {
          // an entry per chunk (Android's --test-suite <suite>-<chunk>) names its chunk
          if (entry.this_chunk !== undefined) bb.push(key(platform, buildType, entry.suite, entry.this_chunk));
          else
            for (let chunk = 1; chunk <= (entry.totalChunks ?? 1); chunk++)
              bb.push(key(platform, buildType, entry.suite, chunk));
        }
      }
    }
    assert.ok(listed.length > 0, `${name}: no jobs`);
    assert.deepEqual([...tc].sort(), on("taskcluster").sort(), `${name}: TaskCluster = jobdef list on TaskCluster`);
    assert.deepEqual([...bb].sort(), on("buildbot").sort(), `${name}: buildbot = jobdef list on buildbot`);
    assert.equal(new Set(listed).size, listed.length, `${name}: no duplicate jobs`);

    for (const job of branch.jobs) {
      if (!job.harness) continue;
      const mozharness = file(`mozharness/${name}/${job.platform}.json`);
      if (job.spec.mozharness?.["test-suite-definitions"]) {
        const defined = mozharness.test_suite_definitions as Record<string, unknown> | undefined;
        const defName = testSuiteDefinitionName(job);
        assert.ok(defined && defName in defined, `${name} ${job.label}: ${defName} not in test_suite_definitions`);
        continue;
      }
      const suites = mozharness[`all_${job.harness}_suites`] as Record<string, unknown> | undefined;
      // a comma-separated suite-name runs several mozharness suites: each needs its entry
      const missing = mozharnessSuiteName(job)
        .split(",")
        .filter((s) => !suites || !(s in suites));
      assert.ok(
        suites && !missing.length,
        `${name} ${job.label}: ${missing.join(", ")} not in all_${job.harness}_suites`,
      );
      const mach = file(`mach/${name}/${job.platform}.json`)[job.suite] as { task_regex?: string } | undefined;
      assert.ok(mach, `${name} ${job.label}: suite ${job.suite} not in the mach config`);
      if (mach.task_regex)
        assert.match(job.label, new RegExp(mach.task_regex), `${name}: mach's task_regex of ${job.suite}`);
      checked++;
    }
  }
  t.diagnostic(
    `${rows.length} jobs of ${branches.length} branches; ${checked} harness jobs found in mozharness and mach`,
  );
});
