/**
 * The commit journal: a staged directory holding a compile's new files, its plan and its manifest. Renaming it to
 * `<dir>/.jobdef-commit` is the commit point; applying it moves each file into place and the manifest last. Applying
 * is idempotent, so a killed apply is finished by the next process that takes the lock.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
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

/** What the next run does with a committed journal that an apply could not finish. */
const FINISH = "then run jobdef compile (or check) again: it finishes the interrupted compile first";

/**
 * Finishes a committed journal, if there is one: files into place, removals, manifest last, journal gone. A step
 * that fails leaves the journal for the next run and says what to fix; a journal that cannot be read is moved aside
 * (damagedJournal), so no run fails on it forever.
 */
export function applyJournal(dir: string): boolean {
  const journal = join(dir, COMMIT_NAME);
  if (!lstatSync(journal, { throwIfNoEntry: false })) return false;
  const plan = readPlan(dir, journal);
  inspectOutputPaths(dir, [...plan.write, ...plan.remove, MANIFEST_NAME], FINISH);
  const touched = new Set<string>();
  for (const p of plan.remove) {
    step(dir, p, "delete the old", () => {
      try {
        unlinkSync(join(dir, p));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
      pruneEmptyParents(dir, p);
    });
  }
  for (const p of plan.write) {
    const staged = join(journal, "files", p);
    if (!existsSync(staged)) continue; // moved by an earlier, interrupted apply
    const target = join(dir, p);
    step(dir, p, "move the new", () => {
      makeParents(dir, p);
      renameSync(staged, target);
    });
    touched.add(dirname(target));
  }
  if (existsSync(join(journal, MANIFEST_NAME)))
    step(dir, MANIFEST_NAME, "move the new", () => renameSync(join(journal, MANIFEST_NAME), join(dir, MANIFEST_NAME)));
  for (const d of touched) syncDir(d);
  syncDir(dir);
  rmSync(journal, { recursive: true, force: true });
  return true;
}

/** The journal's plan; a journal that is not a directory, or whose plan or manifest is unreadable, is damaged. */
function readPlan(dir: string, journal: string): Plan {
  if (!lstatSync(journal).isDirectory()) return damagedJournal(dir, journal, "it is not a directory");
  let plan: Plan;
  try {
    plan = JSON.parse(readFileSync(join(journal, "plan.json"), "utf8")) as Plan;
  } catch (e) {
    const why = e instanceof SyntaxError ? "not JSON" : ((e as NodeJS.ErrnoException).code ?? String(e));
    return damagedJournal(dir, journal, `its plan.json is unreadable (${why})`);
  }
  const isList = (x: unknown) => Array.isArray(x) && x.every((p) => typeof p === "string");
  if (!plan || !isList(plan.write) || !isList(plan.remove))
    return damagedJournal(dir, journal, "its plan.json is not a plan ({write, remove})");
  if (![...plan.write, ...plan.remove].every(isSafePath))
    return damagedJournal(dir, journal, "its plan.json lists a path outside the generated files");
  return plan;
}

/**
 * A commit journal that cannot be applied (empty, truncated, garbage: a damaged disk, a hand edit, a checked-in
 * copy) is moved aside under a name no run looks at, and the output is rewritten whole by the next compile.
 */
function damagedJournal(dir: string, journal: string, why: string): never {
  const aside = join(dir, `${INTERNAL_PREFIX}damaged-commit-${process.pid}-${Date.now()}`);
  renameSync(journal, aside);
  syncDir(dir);
  throw new OutputDirError(
    `the journal of an interrupted compile (${journal}) is damaged: ${why}; it was moved to ${aside}, and the output may mix old and new files: run jobdef compile --force to rewrite it whole, then delete ${aside}`,
  );
}

/** One step of applying the journal; a failure says what to fix and that the next run finishes the compile. */
function step(dir: string, p: string, what: string, run: () => void): void {
  try {
    run();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    const target = join(dir, p);
    throw new OutputDirError(
      `the compile is committed but could not ${what} ${target} (${code}): ${fixFor(code, target)}; ${FINISH}`,
    );
  }
}

function fixFor(code: string, target: string): string {
  if (code === "EISDIR" || code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR")
    return `remove what stands at ${target} or on the way to it`;
  if (code === "EACCES" || code === "EPERM" || code === "EROFS")
    return `make ${dirname(target)} writable (and the file system read-write)`;
  if (code === "ENOSPC" || code === "EDQUOT" || code === "EFBIG") return "free space on the disk, or raise the quota";
  return `fix ${target}`;
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
