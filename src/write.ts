/**
 * Stage 5, write: puts compiled files into the generated directory, atomically, with `manifest.json`.
 *
 * Design. `generated/` is checked into git, holds plain files and also `types/` (not ours), so it can be neither a
 * symlink nor replaced as a whole; and POSIX has no atomic rename of several paths. So the output is a small
 * transaction whose state is defined by one rename(2):
 *
 *   1. Compile in memory (no lock: load, validation and expansion are the slow part, and concurrent compiles may
 *      overlap there). A large file (a task graph) stays a producer, run in step 4, so it is never whole in memory.
 *   2. Take `<dir>/.jobdef-lock` (lock.ts: created complete via link(2), broken when its pid is dead).
 *   3. Recover: finish a committed journal left by a killed compile, delete staging dirs of killed compiles.
 *   4. Read the current manifest; stream each file through its hash and a comparison with the disk, staging it in
 *      `<dir>/.jobdef-tmp-<pid>-<rand>/` (fsynced) where it differs (stage-output.ts, run on a second thread while
 *      this one produces the bytes: staging-thread.ts); compute the new manifest
 *      (whole output, or only the `--branch/--target` slice) and the files to remove (listed by the old manifest,
 *      produced by nothing).
 *   5. Stage the plan and the new manifest, fsynced; when nothing changed, drop the stage instead.
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
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { FileEntry } from "./cache/file-stats.js";
import type { OutputFile } from "./emit/output-file.js";
import { LIMITS } from "./limits.js";
import {
  EMPTY_MANIFEST,
  isSafePath,
  MANIFEST_NAME,
  type Manifest,
  type ManifestSource,
  parseManifest,
  type Slice,
} from "./manifest.js";
import { nextManifest, serializeManifest } from "./next-manifest.js";
import { applyJournal, commitJournal, createStage, finishStage, removeStages } from "./write/journal.js";
import { acquireLock, removeLockLeftovers } from "./write/lock.js";
import { OutputDirError, OutputTooLargeError } from "./write/output-error.js";
import { hashRegularFile, inspectOutputPaths } from "./write/output-tree.js";
import type { StagedOutput } from "./write/stage-output.js";
import { stagingThread } from "./write/staging-thread.js";

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
  /** What a whole compile read, recorded in the manifest (ignored for a partial one). */
  readonly source?: ManifestSource;
  /** Replace or delete generated files even when they were edited since jobdef wrote them. */
  readonly force?: boolean;
  /** Called once the output is in place, still under the lock (the cache records the files it now holds). */
  readonly onWritten?: (written: { readonly manifest: Manifest; readonly manifestText: string }) => void;
  /**
   * The sha256 of the file now at a path of the directory when known without reading it (the cache's record of its
   * stat); undefined: read it.
   */
  readonly knownHash?: (path: string) => string | undefined;
  /**
   * The cache's entry of the file at a path of the directory (its stat and hash when recorded), whatever its stat
   * now: a file that still has it and the old manifest's hash is compared with the new bytes without being hashed.
   */
  readonly recordedEntry?: (path: string) => FileEntry | undefined;
}

export interface WriteResult {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
  readonly manifest: Manifest;
  /** The manifest's text, as written (or found unchanged). */
  readonly manifestText: string;
  /** A killed compile's output was finished (or its staging removed) first. */
  readonly recovered: boolean;
}

/** Writes the output as one transaction (see the design above). Throws on I/O errors; the old output then stays. */
export async function writeOutput(options: WriteOptions): Promise<WriteResult> {
  const { dir, files } = options;
  const bad = files.find((f) => !isSafePath(f.path));
  if (bad) throw new Error(`an emitter produced the path ${JSON.stringify(bad.path)}, which is not a generated file's`);
  const budget = new OutputBudget();
  makeOutputDir(dir);
  const release = acquireLock(dir, options.lockTimeoutMs);
  try {
    const recovered = recoverLocked(dir);
    inspectOutputPaths(dir, [MANIFEST_NAME]);
    const oldBytes = readOrUndefined(join(dir, MANIFEST_NAME));
    const old = manifestFrom(dir, oldBytes);
    // nothing in the directory is read or written before every path on the way is known to be plain
    inspectOutputPaths(dir, [...files.map((f) => f.path), ...Object.keys(old.files), MANIFEST_NAME]);
    // Each file is produced once, here, and staged on the staging thread as it is produced.
    const stage = createStage(dir);
    try {
      const thread = stagingThread();
      const pending: Promise<StagedOutput>[] = [];
      // a task graph first: the staging thread works on it while the others are produced here
      const first = (f: OutputFile) => Number(f.stagedFirst ?? false);
      const order = files.map((_, i) => i).sort((a, b) => first(files[b]) - first(files[a]));
      let refused: unknown;
      for (const i of order) {
        const f = files[i];
        const known = old.files[f.path];
        const entry = options.recordedEntry?.(f.path);
        const recorded = entry && entry[4] === known ? entry : undefined;
        const request = { stage, path: f.path, current: join(dir, f.path), known, recorded };
        try {
          pending[i] = thread.stage(request, budget.counted(f));
        } catch (e) {
          refused = e;
        }
        if (budget.exceeded || refused !== undefined) break;
      }
      // nothing may still write into the stage when it is removed
      const settled = settleAll(order.flatMap((i) => pending[i] ?? []));
      if (refused !== undefined) {
        await settled.catch(() => undefined);
        throw refused;
      }
      await settled;
      const results = await Promise.all(pending);
      const hashes = new Map<string, string>();
      const written: string[] = [];
      const unchanged: string[] = [];
      files.forEach((f, i) => {
        hashes.set(f.path, results[i].hash);
        (results[i].staged ? written : unchanged).push(f.path);
      });
      const next = nextManifest(
        old,
        files,
        options.compiled,
        options.partial,
        options.branchNames,
        hashes,
        options.source,
      );
      const manifestText = serializeManifest(next.manifest);
      const removed = next.remove.filter((p) => existsSync(join(dir, p)));
      if (!options.force) refuseEdited(dir, old, [...written, ...removed], hashes, options.knownHash);
      if (written.length || removed.length || !oldBytes?.equals(Buffer.from(manifestText))) {
        finishStage(stage, { write: written, remove: removed }, manifestText);
        commitJournal(dir, stage);
        applyJournal(dir);
      }
      options.onWritten?.({ manifest: next.manifest, manifestText });
      return { written, unchanged, removed, manifest: next.manifest, manifestText, recovered };
    } finally {
      rmSync(stage, { recursive: true, force: true }); // gone already once committed
    }
  } finally {
    release();
  }
}

/**
 * Refuses to replace or delete a file the old manifest lists whose content is no longer what jobdef wrote (someone
 * edited it): the edit would be lost without a word. A file already holding the new content is no conflict.
 */
function refuseEdited(
  dir: string,
  old: Manifest,
  paths: readonly string[],
  next: ReadonlyMap<string, string>,
  knownHash: (path: string) => string | undefined = () => undefined,
): void {
  const edited = paths.filter((p) => {
    const known = old.files[p];
    if (known === undefined) return false;
    const hash = knownHash(p) ?? hashRegularFile(join(dir, p), p);
    return hash !== undefined && hash !== known && hash !== next.get(p);
  });
  if (!edited.length) return;
  const list = edited.slice(0, 10).join(", ") + (edited.length > 10 ? `, and ${edited.length - 10} more` : "");
  throw new OutputDirError(
    `${edited.length} generated file${edited.length === 1 ? " was" : "s were"} edited since jobdef wrote ${edited.length === 1 ? "it" : "them"} (the sha256 is not the one ${MANIFEST_NAME} records): ${list}; jobdef does not overwrite or delete an edited file: move the change into configs/, or run compile with --force to discard it (nothing was written)`,
  );
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir spins forever below /proc (each level "missing", each
 * creation refused), so a refusal here is reported, not retried.
 */
function makeOutputDir(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    if (dirname(d) === d) break;
    missing.unshift(d);
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw new OutputDirError(`cannot create ${d} (${code ?? e})`);
    }
  }
}

/**
 * The limit on the bytes of one compile's output (JD068). A file held as text is counted before it is staged; a
 * streamed one (a task graph) is counted as it is produced, and one piece past the limit stops the compile before
 * its commit, so the output directory stays as it was and the stage never holds more than the limit.
 */
class OutputBudget {
  private bytes = 0;
  exceeded = false;

  /** `file`, producing its bytes through this count (a text file is counted as it is handed over). */
  counted(file: OutputFile): OutputFile {
    if (!file.streamed) {
      this.add(Buffer.byteLength(file.content, "utf8"));
      return file;
    }
    return {
      path: file.path,
      streamed: true,
      get content() {
        return file.content;
      },
      writeTo: (sink, spliced) =>
        file.writeTo(
          (piece) => {
            this.add(piece.length);
            sink(piece);
          },
          spliced &&
            ((piece) => {
              this.add(piece.bytes.length + rangeBytes(piece.ranges));
              spliced(piece);
            }),
        ),
    };
  }

  private add(n: number): void {
    this.bytes += n;
    if (this.bytes <= LIMITS.outputBytes) return;
    this.exceeded = true;
    throw new OutputTooLargeError(this.bytes, LIMITS.outputBytes);
  }
}

function rangeBytes(ranges: readonly number[]): number {
  let n = 0;
  for (let i = 2; i < ranges.length; i += 3) n += ranges[i];
  return n;
}

/** Every promise's value once all have settled (nothing may still write into the stage), or the first error. */
async function settleAll<T>(pending: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(pending);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
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
  return manifestFrom(dir, readOrUndefined(join(dir, MANIFEST_NAME)));
}

function manifestFrom(dir: string, bytes: Buffer | undefined): Manifest {
  if (bytes === undefined) return EMPTY_MANIFEST;
  try {
    return parseManifest(bytes.toString("utf8"));
  } catch (e) {
    throw new OutputDirError(`${join(dir, MANIFEST_NAME)}: ${(e as Error).message}`);
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
