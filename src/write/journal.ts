/**
 * The commit journal: a staged directory holding a compile's new files, its plan and its manifest. Renaming it to
 * `<dir>/.jobdef-commit` is the commit point; applying it moves each file into place and the manifest last. Applying
 * is idempotent, so a killed apply is finished by the next process that takes the lock.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { INTERNAL_PREFIX, isSafePath, MANIFEST_NAME } from "../manifest.js";
import { OutputDirError } from "./output-error.js";
import { inspectOutputPaths } from "./output-tree.js";

export const COMMIT_NAME = `${INTERNAL_PREFIX}commit`;
const STAGE_PREFIX = `${INTERNAL_PREFIX}tmp-`;

export interface Plan {
  /** Paths whose new content is in `<journal>/files/<path>`. */
  readonly write: readonly string[];
  readonly remove: readonly string[];
}

/** Writes a file and flushes it to disk before returning. */
export function writeDurable(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "wx");
  try {
    writeAll(fd, typeof content === "string" ? Buffer.from(content, "utf8") : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
}

/** Flushes a directory's entries (renames, creations); a no-op where directories can't be fsynced. */
export function syncDir(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    fsyncSync(fd);
  } catch {
    // EISDIR/EPERM/EINVAL on some platforms: nothing more we can do
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** An empty staging directory (removed by the next lock holder's recovery if this process dies). */
export function createStage(dir: string): string {
  const stage = join(dir, `${STAGE_PREFIX}${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(stage);
  return stage;
}

/** Where a staged file's new content goes. */
export function stagedPath(stage: string, path: string): string {
  return join(stage, "files", path);
}

/** Writes the plan and the manifest into the stage and flushes its directories: ready to commit. */
export function finishStage(stage: string, plan: Plan, manifestText: string): void {
  const dirs = new Set<string>([stage, join(stage, "files")]);
  for (const p of plan.write)
    for (let d = dirname(join(stage, "files", p)); d.length > stage.length; d = dirname(d)) dirs.add(d);
  writeDurable(join(stage, "plan.json"), `${JSON.stringify(plan)}\n`);
  writeDurable(join(stage, MANIFEST_NAME), manifestText);
  for (const d of dirs) if (existsSync(d)) syncDir(d);
}

/** The commit point: one rename(2) of the staged directory onto the (absent) journal name. */
export function commitJournal(dir: string, stage: string): void {
  renameSync(stage, join(dir, COMMIT_NAME));
  syncDir(dir);
}

/** Finishes a committed journal, if there is one: files into place, removals, manifest last, journal gone. */
export function applyJournal(dir: string): boolean {
  const journal = join(dir, COMMIT_NAME);
  if (!existsSync(journal)) return false;
  const plan = JSON.parse(readFileSync(join(journal, "plan.json"), "utf8")) as Plan;
  if (![...plan.write, ...plan.remove].every(isSafePath))
    throw new OutputDirError(`${journal}/plan.json lists a path outside the generated files`);
  inspectOutputPaths(dir, [...plan.write, ...plan.remove, MANIFEST_NAME]);
  const touched = new Set<string>();
  for (const p of plan.remove) {
    try {
      unlinkSync(join(dir, p));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    pruneEmptyParents(dir, p);
  }
  for (const p of plan.write) {
    const staged = join(journal, "files", p);
    if (!existsSync(staged)) continue; // moved by an earlier, interrupted apply
    const target = join(dir, p);
    makeParents(dir, p);
    renameSync(staged, target);
    touched.add(dirname(target));
  }
  if (existsSync(join(journal, MANIFEST_NAME))) renameSync(join(journal, MANIFEST_NAME), join(dir, MANIFEST_NAME));
  for (const d of touched) syncDir(d);
  syncDir(dir);
  rmSync(journal, { recursive: true, force: true });
  return true;
}

/** mkdir -p of a file's parents, replacing a file that stands where a directory must be (an old output file). */
function makeParents(dir: string, p: string): void {
  const segs = p.split("/").slice(0, -1);
  for (let i = 1; i <= segs.length; i++) {
    const d = join(dir, ...segs.slice(0, i));
    if (existsSync(d) && !statSync(d).isDirectory()) unlinkSync(d);
  }
  mkdirSync(dirname(join(dir, p)), { recursive: true });
}

function pruneEmptyParents(dir: string, p: string): void {
  const segs = p.split("/").slice(0, -1);
  for (let i = segs.length; i >= 1; i--) {
    try {
      rmdirSync(join(dir, ...segs.slice(0, i)));
    } catch {
      return; // not empty, or already gone
    }
  }
}

/**
 * Removes staging directories left by compiles killed before their commit point. Staging happens with the lock
 * held, so with the lock held any staging directory is garbage.
 */
export function removeStages(dir: string): string[] {
  const names = readdirSync(dir).filter((n) => n.startsWith(STAGE_PREFIX));
  for (const name of names) rmSync(join(dir, name), { recursive: true, force: true });
  return names;
}
