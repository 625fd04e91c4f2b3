/**
 * Stages one output file from its stream of bytes, hashing it and comparing it with the file it replaces as it
 * goes. The staged copy is written only from the first difference on (the equal prefix copied from the old file), so
 * an unchanged file, the usual case of a recompile, costs a read and a hash but no write.
 */
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readSync } from "node:fs";
import { dirname } from "node:path";
import type { FileEntry } from "../cache/file-stats.js";
import { PIECE } from "../emit/output-file.js";
import { Digest } from "./file-comparison.js";
import { stagedPath, writeAll } from "./journal.js";

export interface StagedOutput {
  readonly hash: string;
  /** Whether the file was staged (it replaces the old one at the commit). */
  readonly staged: boolean;
}

/**
 * A large file is flushed as it is written, every this many bytes: on the staging thread the disk then works while
 * the rest is produced, and the final `fsync` has only the tail to write (the kernel would start on its own only
 * once gigabytes are dirty).
 */
const SYNC_EVERY = 32 << 20;

/** What to stage: the output file `path`, replacing `current`, which the old manifest lists with hash `known`. */
export interface StageRequest {
  readonly stage: string;
  readonly path: string;
  readonly current: string;
  readonly known: string | undefined;
  /** The cache's entry of `current` (its stat and hash), when it records the hash `known`. */
  readonly recorded?: FileEntry;
}

/**
 * Stages one file fed piece by piece. It is staged when its bytes differ from `current`'s, or when they do not but
 * the old manifest lists another hash (the disk was edited to match by hand): "unchanged" needs both to agree.
 */
export class OutputStager {
  private readonly digest: Digest;
  private readonly target: string;
  private fd: number | undefined;
  /** Bytes written since the last flush. */
  private unsynced = 0;
  /** Whether each descriptor ranges came from is open on the file being replaced. */
  private readonly replacedFiles = new Map<number, boolean>();

  constructor(private readonly request: StageRequest) {
    this.target = stagedPath(request.stage, request.path);
    this.digest = new Digest(request.current, request.recorded);
  }

  /**
   * Whether a range of the open file `fd` copied to offset `offset` of this file, after `pending` bytes not pushed
   * yet, is known equal without reading: `fd` is the file being replaced, the range sits where it was in it, and the
   * file is proven equal so far.
   */
  takesInPlace(fd: number, offset: number, pending = 0): boolean {
    // skipping: the bytes so far equal the replaced file's, so nothing is staged yet either
    if (offset !== this.digest.length + pending || !this.digest.skipping) return false;
    let replaced = this.replacedFiles.get(fd);
    if (replaced === undefined) {
      replaced = this.digest.compares(fd);
      this.replacedFiles.set(fd, replaced);
    }
    return replaced;
  }

  /** Takes in `length` bytes that are the replaced file's own at this offset (see `takesInPlace`). */
  pushInPlace(length: number): void {
    this.digest.pushSame(length);
  }

  push(bytes: Uint8Array): void {
    const before = this.digest.length;
    const same = this.digest.push(bytes);
    if (this.fd === undefined && !same) this.fd = openStaged(this.target, this.request.current, before);
    if (this.fd === undefined) return;
    writeAll(this.fd, bytes);
    this.unsynced += bytes.length;
    if (this.unsynced >= SYNC_EVERY) {
      fdatasyncSync(this.fd);
      this.unsynced = 0;
    }
  }

  /** Finishes the file: staged ones are flushed to disk. Closes everything, also on error. */
  end(): StagedOutput {
    try {
      const { hash, same, length } = this.digest.end();
      const { known } = this.request;
      if (this.fd === undefined && !((known === undefined || known === hash) && same))
        this.fd = openStaged(this.target, this.request.current, length);
      if (this.fd !== undefined) fsyncSync(this.fd);
      return { hash, staged: this.fd !== undefined };
    } finally {
      this.close();
    }
  }

  close(): void {
    this.digest.close();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Creates the staged file holding the first `length` bytes of `current` (equal to the new content so far). */
function openStaged(target: string, current: string, length: number): number {
  mkdirSync(dirname(target), { recursive: true });
  const fd = openSync(target, "wx");
  if (length === 0) return fd;
  const buffer = Buffer.allocUnsafe(Math.min(length, PIECE));
  const from = openSync(current, "r");
  try {
    for (let pos = 0; pos < length; ) {
      const n = readSync(from, buffer, 0, Math.min(buffer.length, length - pos), pos);
      if (n === 0) throw new Error(`${current} changed while it was compared`);
      writeAll(fd, buffer.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(from);
  }
  return fd;
}
