/**
 * Every task of every branch of the embedded tree, materialised as a decision task would, validates against the
 * official schemas (../shared/reference/taskcluster/): the queue's create-task request, its worker's payload and
 * Treeherder's `extra.treeherder`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PlatformFile } from "../generated/types/index.js";
import { compile, loadValidTree } from "../src/compile.js";
import { materialize, taskIdFromSeed } from "../src/materialize.js";
import { runsOn } from "../src/schedulers.js";
import { errorsOf, loadTaskclusterSchemas } from "./helpers/taskcluster-schemas.js";
import { REPO } from "./helpers/tree.js";

const PARAMETERS = { revision: "5f8e2a1c3b4d5e6f708192a3b4c5d6e7f8091a2b", pushlog_id: "31337" };
const NOW = new Date("2015-09-01T12:00:00.000Z");
const PLACEHOLDER = /"(relative-datestamp|task-reference|parameter-reference)"/;

test("every materialised task of every branch validates against the queue, worker and Treeherder schemas", (t) => {
  const schemas = loadTaskclusterSchemas();
  const tree = loadValidTree(REPO);
  assert.ok(tree.ok, JSON.stringify(!tree.ok && tree.diagnostics));
  const branches = [...tree.value.branches.keys()].sort();
  const r = compile({ root: REPO, branches, targets: ["taskcluster"] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));

  const failures: string[] = [];
  const byPayload = { "docker-worker": 0, "generic-worker posix": 0, "generic-worker windows": 0 };
  let total = 0;
  for (const branch of r.value.branches) {
    const file = r.value.files.find((f) => f.path === `taskcluster/${branch.branch.name}.json`);
    assert.ok(file, `no task graph for ${branch.branch.name}`);
    const graph = JSON.parse(file.content) as Record<string, { dependencies: Record<string, string> }>;
    const tasks = materialize(graph, {
      now: NOW,
      taskIdFor: taskIdFromSeed,
      parameters: PARAMETERS,
      taskGroupId: taskIdFromSeed(branch.branch.name),
    });
    const onTaskcluster = branch.jobs.filter((j) => runsOn(j, "taskcluster"));
    assert.equal(
      Object.keys(tasks).length,
      onTaskcluster.length,
      `${branch.branch.name}: one task per job on TaskCluster`,
    );
    for (const job of onTaskcluster) {
      const task = tasks[job.label]!;
      const where = `${branch.branch.name} ${job.label}`;
      total++;
      if (PLACEHOLDER.test(JSON.stringify(task))) failures.push(`${where}: a placeholder is left`);
      if (!schemas.queue(task)) failures.push(`${where}: queue: ${errorsOf(schemas.queue)}`);
      const platform: PlatformFile = tree.value.platforms.get(job.platform)!.spec;
      const kind =
        platform.worker.implementation === "docker-worker"
          ? "docker-worker"
          : platform.os === "windows"
            ? "generic-worker windows"
            : "generic-worker posix";
      const payloadSchema = {
        "docker-worker": schemas.dockerWorker,
        "generic-worker posix": schemas.genericWorkerPosix,
        "generic-worker windows": schemas.genericWorkerWindows,
      }[kind];
      byPayload[kind]++;
      if (!payloadSchema(task.payload)) failures.push(`${where}: ${kind} payload: ${errorsOf(payloadSchema)}`);
      const th = (task.extra as { treeherder?: unknown }).treeherder;
      if (!schemas.treeherder(th)) failures.push(`${where}: extra.treeherder: ${errorsOf(schemas.treeherder)}`);
      assert.deepEqual(
        task.dependencies,
        [taskIdFromSeed(graph[job.label]!.dependencies.build!)],
        `${where}: depends on its build`,
      );
    }
  }
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${total} tasks fail`);
  // every kind of payload was exercised
  for (const [kind, n] of Object.entries(byPayload)) assert.ok(n > 0, `no ${kind} task in the embedded tree`);
  assert.ok(total > 1000, `only ${total} tasks`);
  t.diagnostic(`${total} tasks of ${branches.length} branches valid: ${JSON.stringify(byPayload)}`);
});
