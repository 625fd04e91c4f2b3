/**
 * A real buildbot master (Debian's buildbot 3.x) loads integrations/buildbot/master.cfg over the generated buildbot
 * files of every branch of the embedded tree: `buildbot checkconfig` passes, and the builders buildbot's own config
 * loader reads are exactly the jobs jobdef expands for buildbot (scheduler buildbot or both), branch by branch.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { compile, loadValidTree } from "../src/compile.js";
import { runsOn } from "../src/schedulers.js";
import { REPO } from "./helpers/tree.js";

/** The interpreter buildbot runs with (its script's shebang): buildbot's modules import there. */
function buildbotPython(): string {
  const which = spawnSync("sh", ["-c", "command -v buildbot"], { encoding: "utf8" });
  assert.equal(which.status, 0, "buildbot is not installed (Debian package `buildbot`)");
  const shebang = readFileSync(which.stdout.trim(), "utf8").split("\n")[0]!;
  return shebang.replace(/^#!\s*/, "").split(/\s+/)[0]!;
}

const LIST_BUILDERS = `
import json, sys
from buildbot.config.master import FileLoader
config = FileLoader(sys.argv[1], "master.cfg").loadConfig()
print(json.dumps([[b.properties["jobdef_branch"], b.properties["jobdef_label"], b.workernames] for b in config.builders]))
`;

test("buildbot checkconfig accepts the example master over every branch, with one builder per job", (t) => {
  const tree = loadValidTree(REPO);
  assert.ok(tree.ok);
  const r = compile({ root: REPO, branches: [...tree.value.branches.keys()].sort(), targets: ["buildbot"] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  const tmp = mkdtempSync(join(tmpdir(), "jobdef-master-"));
  const generated = join(tmp, "generated");
  for (const f of r.value.files) {
    mkdirSync(dirname(join(generated, f.path)), { recursive: true });
    writeFileSync(join(generated, f.path), f.content);
  }
  const master = join(tmp, "master");
  // no __pycache__ next to the integration module in the source tree
  const env = { ...process.env, JOBDEF_GENERATED: generated, PYTHONDONTWRITEBYTECODE: "1" };
  const create = spawnSync("buildbot", ["create-master", "--quiet", master], { encoding: "utf8", env });
  assert.equal(create.status, 0, create.stderr + create.stdout);
  symlinkSync(join(REPO, "integrations", "buildbot", "master.cfg"), join(master, "master.cfg"));

  const check = spawnSync("buildbot", ["checkconfig", master], { encoding: "utf8", env });
  assert.equal(check.status, 0, `checkconfig failed:\n${check.stdout}${check.stderr}`);
  assert.match(check.stdout, /Config file is good!/);

  const listed = spawnSync(buildbotPython(), ["-c", LIST_BUILDERS, master], { encoding: "utf8", env, cwd: master });
  assert.equal(listed.status, 0, listed.stderr);
  const builders = JSON.parse(listed.stdout) as [string, string, string[]][];
  const counts: string[] = [];
  // the jobs whose scheduler is buildbot or both
  const onBuildbot = (b: (typeof r.value.branches)[number]) => b.jobs.filter((j) => runsOn(j, "buildbot"));
  for (const branch of r.value.branches) {
    const mine = builders.filter(([b]) => b === branch.branch.name);
    const jobs = onBuildbot(branch);
    assert.equal(mine.length, jobs.length, `${branch.branch.name}: builders = jobs`);
    assert.deepEqual(mine.map(([, label]) => label).sort(), jobs.map((j) => j.label).sort(), branch.branch.name);
    counts.push(`${branch.branch.name} ${mine.length}`);
  }
  assert.equal(
    builders.length,
    r.value.branches.reduce((n, b) => n + onBuildbot(b).length, 0),
  );
  // workers are named after the platforms' buildbot slave platforms
  const slavePlatforms = [...r.value.tree.platforms.values()].map((p) => p.spec.buildbot?.["slave-platform"] ?? p.name);
  for (const [, label, workers] of builders)
    assert.ok(workers.length === 1 && slavePlatforms.includes(workers[0]!), `${label}: ${workers}`);
  t.diagnostic(`${builders.length} builders: ${counts.join(", ")}`);
});
