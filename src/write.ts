/**
 * Stage 5, write: puts compiled files into the generated directory, atomically, with `manifest.json`.
 *
 * Design. `generated/` is checked into git, holds plain files and also `types/` (not ours), so it can be neither a
 * symlink nor replaced as a whole; and POSIX has no atomic rename of several paths. So the output is a small
 * transaction whose state is defined by one rename(2):
 *
 *   1. Compile in memory (no lock: that is the slow part, and concurrent compiles may overlap there).
 *   2. Take `<dir>/.jobdef-lock` (lock.ts: created complete via link(2), broken when its pid is dead).
 *   3. Recover: finish a committed journal left by a killed compile, delete staging dirs of killed compiles.
 *   4. Read the current manifest, compute the new one (whole output, or only the `--branch/--target` slice) and the
 *      files to write (content differs from disk) and to remove (listed by the old manifest, produced by nothing).
 *   5. Stage the new files, the plan and the new manifest in `<dir>/.jobdef-tmp-<pid>-<rand>/`, fsynced.
 *   6. COMMIT: rename the staging dir to `<dir>/.jobdef-commit`. Before it, the old output is untouched; after it,
 *      the new output is decided.
 *   7. Apply (journal.ts): remove, rename each staged file over its target (each replacement atomic), manifest last,
 *      delete the journal. Applying is idempotent, so if the process dies here the next compile or check that takes
 *      the lock finishes it (roll forward) before doing anything else.
 *   8. Release the lock.
 *
 * So a compile killed at any moment leaves the old output (before 6) or, once recovered, the new (after 6). Only a
 * reader that looks during step 7 of a live or killed compile without taking the lock sees files ahead of the
 * manifest; step 7 is renames and unlinks only (milliseconds). Concurrent compiles serialize on the lock in steps
 * 2–8, and each recomputes from the manifest it finds, so the last one wins completely. Nothing outside the old
 * manifest's list, `.jobdef-*` entries and `manifest.json` is ever removed or replaced, and `types/` never.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { OutputFile } from "./emit/types.js";
import {
  EMPTY_MANIFEST,
  isSafePath,
  MANIFEST_NAME,
  type Manifest,
  nextManifest,
  parseManifest,
  type Slice,
  serializeManifest,
} from "./manifest.js";
import { applyJournal, commitJournal, removeStages, stageJournal } from "./write/journal.js";
import { acquireLock, removeLockLeftovers } from "./write/lock.js";

export interface WriteOptions {
  /** The generated directory (created when missing). */
  readonly dir: string;
  readonly files: readonly OutputFile[];
  /** The branches and targets these files were compiled for. */
  readonly compiled: Slice;
  /** True for `--branch`/`--target`: only the compiled slice is replaced, the rest stays. */
  readonly partial: boolean;
  /** Every branch name of the tree (to tell which branch an old file belonged to). */
  readonly branchNames?: Iterable<string>;
  readonly lockTimeoutMs?: number;
}

export interface WriteResult {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
  readonly manifest: Manifest;
  /** A killed compile's output was finished (or its staging removed) first. */
  readonly recovered: boolean;
}

/** Writes the output as one transaction (see the design above). Throws on I/O errors; the old output then stays. */
export function writeOutput(options: WriteOptions): WriteResult {
  const { dir, files } = options;
  const bad = files.find((f) => !isSafePath(f.path));
  if (bad) throw new Error(`an emitter produced the path ${JSON.stringify(bad.path)}, which is not a generated file's`);
  mkdirSync(dir, { recursive: true });
  const release = acquireLock(dir, options.lockTimeoutMs);
  try {
    const recovered = recoverLocked(dir);
    const old = readManifest(dir);
    const { manifest, remove } = nextManifest(old, files, options.compiled, options.partial, options.branchNames);
    const manifestText = serializeManifest(manifest);
    const contents = new Map(files.map((f) => [f.path, f.content]));
    const same = (path: string, content: string) =>
      readOrUndefined(join(dir, path))?.equals(Buffer.from(content, "utf8")) ?? false;
    const written = files.filter((f) => !same(f.path, f.content)).map((f) => f.path);
    const writtenSet = new Set(written);
    const unchanged = files.filter((f) => !writtenSet.has(f.path)).map((f) => f.path);
    const removed = remove.filter((p) => existsSync(join(dir, p)));
    if (written.length || removed.length || !same(MANIFEST_NAME, manifestText)) {
      const stage = stageJournal(dir, { write: written, remove: removed }, contents, manifestText);
      commitJournal(dir, stage);
      applyJournal(dir);
    }
    return { written, unchanged, removed, manifest, recovered };
  } finally {
    release();
  }
}

/** Takes the lock and finishes or discards what a killed compile left; true when there was something. */
export function recoverOutput(dir: string, lockTimeoutMs?: number): boolean {
  if (!existsSync(dir)) return false;
  const release = acquireLock(dir, lockTimeoutMs);
  try {
    return recoverLocked(dir);
  } finally {
    release();
  }
}

function recoverLocked(dir: string): boolean {
  removeLockLeftovers(dir);
  const stages = removeStages(dir);
  return applyJournal(dir) || stages.length > 0;
}

/** The manifest in `dir`, or an empty one when there is none yet. */
export function readManifest(dir: string): Manifest {
  const bytes = readOrUndefined(join(dir, MANIFEST_NAME));
  if (bytes === undefined) return EMPTY_MANIFEST;
  try {
    return parseManifest(bytes.toString("utf8"));
  } catch (e) {
    throw new Error(`${join(dir, MANIFEST_NAME)}: ${(e as Error).message}`);
  }
}

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined;
    throw e;
  }
}
