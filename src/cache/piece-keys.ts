/**
 * The key of a suite's jobs on one platform and build type of a branch (a "unit"): the sha256 of everything their
 * output is made of. A unit's jobs are merged from the built-in layer, defaults, a harness, the platform, the suite, the
 * branch and --set (src/expand.ts's `layersFor`), resolved against platform settings that read defaults, every
 * harness, the platform and the branch, and rendered with tree settings from defaults: so the key covers the text of
 * those files as they were parsed (not their bytes on disk, which may change meanwhile), the --set layers, the names
 * that place the unit, and jobdef's code. Two units with one key render the same bytes.
 */
import { createHash, type Hash } from "node:crypto";
import type { Job } from "../expand.js";
import type { Branch, Layer, Tree } from "../model.js";
import type { SourceFile } from "../source.js";
import { byCodePoint } from "../values.js";
import { codeIdentity } from "../version.js";

/** Changes whenever what a key covers changes meaning. */
const KEY_FORMAT = "jobdef unit key 2";

function addFile(hash: Hash, file: SourceFile): void {
  hash.update(`${file.digest}\0`);
}

/** Where a unit is: a suite on a platform and build type (of the branch the keys are made for). */
export type UnitPlace = Pick<Job, "platform" | "buildType" | "suite">;

/** The keys of one branch's pieces: each job's unit, and each platform's own part. */
interface BranchKeys {
  readonly unit: (job: UnitPlace) => string;
  readonly platform: (platform: string) => string;
}

/** Key functions already made, per tree, --set layers and branch: expansion and the task graph ask for the same. */
const made = new WeakMap<Tree, WeakMap<readonly Layer[], Map<Branch, BranchKeys>>>();

function branchKeys(tree: Tree, branch: Branch, overrides: readonly Layer[]): BranchKeys {
  const byOverrides = made.get(tree) ?? new WeakMap();
  made.set(tree, byOverrides);
  const byBranch = byOverrides.get(overrides) ?? new Map();
  byOverrides.set(overrides, byBranch);
  const keys = byBranch.get(branch) ?? makeBranchKeys(tree, branch, overrides);
  byBranch.set(branch, keys);
  return keys;
}

/**
 * The key of each job's unit, computed once per unit, for jobs of `branch` in `tree` compiled with `overrides`
 * (one function per tree, overrides and branch, shared by its callers).
 */
export function unitKeys(tree: Tree, branch: Branch, overrides: readonly Layer[]): (job: UnitPlace) => string {
  return branchKeys(tree, branch, overrides).unit;
}

/**
 * The key of what a platform's settings on `branch` are made of, jobs aside: the files every unit key covers but the
 * suite (defaults, harnesses, the branch, --set, jobdef's code) and the platform's own file and name.
 */
export function platformKeys(tree: Tree, branch: Branch, overrides: readonly Layer[]): (platform: string) => string {
  return branchKeys(tree, branch, overrides).platform;
}

function makeBranchKeys(tree: Tree, branch: Branch, overrides: readonly Layer[]): BranchKeys {
  const base = createHash("sha256").update(`${KEY_FORMAT}\0${codeIdentity()}\0${branch.name}\0`);
  addFile(base, tree.defaults.file);
  for (const name of [...tree.harnesses.keys()].sort(byCodePoint)) addFile(base, tree.harnesses.get(name)!.file);
  addFile(base, branch.file);
  for (const o of overrides) {
    if (o.file) addFile(base, o.file);
    base.update(`${JSON.stringify(o.path)}\0${JSON.stringify(o.value)}\0`);
  }
  const common = base.digest("hex");
  const keys = new Map<string, string>();
  // the last place asked about: the chunks of a unit come one after another
  let last: { place: UnitPlace; key: string } | undefined;
  const unit = (job: UnitPlace) => {
    if (
      last &&
      job.platform === last.place.platform &&
      job.buildType === last.place.buildType &&
      job.suite === last.place.suite
    )
      return last.key;
    const unit = `${job.platform}\0${job.buildType}\0${job.suite}`;
    let key = keys.get(unit);
    if (key === undefined) {
      const platform = tree.platforms.get(job.platform)!.file.digest;
      const suite = tree.suites.get(job.suite)!.file.digest;
      key = createHash("sha256").update(`${common}\0${platform}\0${suite}\0${unit}`).digest("hex").slice(0, 32);
      keys.set(unit, key);
    }
    last = { place: job, key };
    return key;
  };
  const platform = (name: string) => {
    const file = tree.platforms.get(name)!.file.digest;
    return createHash("sha256").update(`${common}\0platform\0${file}\0${name}`).digest("hex").slice(0, 32);
  };
  return { unit, platform };
}
