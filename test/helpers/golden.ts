/**
 * Golden files of the embedded tree (test/golden/): a chosen slice of every target's output, compiled with fixed
 * options (named branches and targets, never the tree's checked-in setting) and, for TaskCluster, also materialised
 * with a fixed time, task ids and push parameters, as a decision task submits it. generated/ already holds
 * mozilla-central and try; these hold branches it does not (a release branch on buildbot only, cedar's extra suites)
 * and the submitted form of tasks, so a change to any emitter shows as a reviewable diff. `npm run golden` rewrites
 * them (scripts/golden.ts); test/golden.test.ts compares.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { compile } from "../../src/compile.js";
import { materialize, taskIdFromSeed } from "../../src/materialize.js";
import type { TargetName } from "../../src/model.js";
import { REPO } from "./tree.js";

export const GOLDEN = join(REPO, "test", "golden");

const TARGETS: readonly TargetName[] = ["mozharness", "mach", "buildbot", "taskcluster"];
const BRANCHES = ["cedar", "mozilla-beta", "mozilla-esr38"];

/** Output files kept whole: their bytes exactly as compile writes them. */
const WHOLE = [
  "mozharness/mozilla-beta/android-4.3.json",
  "mozharness/mozilla-beta/android-4.3.py",
  "mozharness/mozilla-beta/linux64.json",
  "mozharness/mozilla-beta/linux64.py",
  "mozharness/mozilla-beta/macosx64.json",
  "mozharness/mozilla-beta/win32.json",
  "mach/mozilla-beta/android-4.3.json",
  "mach/mozilla-beta/linux64.json",
  "mach/mozilla-beta/win32.json",
  "buildbot/mozilla-esr38.json",
];

/** Tasks of cedar's graph kept: per platform a chunk of a chunked suite and a debug xpcshell, and the lint task. */
const TASKS = /^test-[^/]+\/(?:opt-mochitest-plain-1|debug-xpcshell(?:-1)?)$|^test-linux64\/opt-mozlint-flake8$/;
/** Of those, the ones also kept materialised: one per worker kind and platform family. */
const SUBMITTED = /^test-(?:linux64|macosx64|win32|android-4\.3)\/opt-mochitest-plain-1$/;
const DECISION = {
  now: new Date("2015-09-01T12:00:00.000Z"),
  taskIdFor: taskIdFromSeed,
  parameters: { revision: "5f8e2a1c3b4d5e6f708192a3b4c5d6e7f8091a2b", pushlog_id: "31337" },
  taskGroupId: taskIdFromSeed("cedar"),
};

/** Path under test/golden/ → the text it must hold. */
export function goldenFiles(): Map<string, string> {
  const r = compile({ root: REPO, branches: BRANCHES, targets: TARGETS });
  if (!r.ok) throw new Error(`the embedded tree does not compile: ${JSON.stringify(r.diagnostics)}`);
  const byPath = new Map(r.value.files.map((f) => [f.path, f]));
  const out = new Map<string, string>();
  for (const path of WHOLE) {
    const file = byPath.get(path);
    if (!file) throw new Error(`compile wrote no ${path}`);
    out.set(path, file.content);
  }
  const graph = JSON.parse(byPath.get("taskcluster/cedar.json")!.content) as Record<string, unknown>;
  const tasks = Object.fromEntries(Object.entries(graph).filter(([label]) => TASKS.test(label)));
  out.set("taskcluster/cedar.slice.json", `${JSON.stringify(tasks, null, 2)}\n`);
  const submitted = Object.fromEntries(Object.entries(tasks).filter(([label]) => SUBMITTED.test(label)));
  out.set("taskcluster/cedar.materialized.json", `${JSON.stringify(materialize(submitted, DECISION), null, 2)}\n`);
  return out;
}

/** The files under test/golden/ now (its README aside), relative, with forward slashes. */
export function goldenOnDisk(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(GOLDEN, p).split("\\").join("/"));
    }
  };
  walk(GOLDEN);
  return out.filter((p) => p !== "README.md").sort();
}

/** Rewrites test/golden/ (its README kept): `npm run golden`. */
export function writeGolden(files: ReadonlyMap<string, string>): void {
  for (const path of goldenOnDisk()) if (!files.has(path)) rmSync(join(GOLDEN, path));
  for (const [path, text] of files) {
    mkdirSync(dirname(join(GOLDEN, path)), { recursive: true });
    writeFileSync(join(GOLDEN, path), text);
  }
}
