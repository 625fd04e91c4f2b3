/** Streaming an output file through its hash and a comparison with the file on disk (for write and check). */
import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type FileEntry, type FileStat, sameStat, statOf } from "../cache/file-stats.js";
import { type OutputFile, PIECE } from "../emit/output-file.js";

/**
 * A file's sha256 and, when given a path, whether its bytes equal that file's, fed one piece at a time.
 *
 * Given also `recorded`, the cache's entry of that file (its stat and the hash it had then), and the open file still
 * has that stat, hashing waits: while the bytes equal the file's, their hash is the file's, which the entry knows. The
 * first difference catches up (the equal part is read back from the file and hashed), so the hash is always the
 * bytes'; an unchanged file costs a comparison only, and bytes known equal (`pushSame`) not even that.
 */
export class Digest {
  private readonly hash = createHash("sha256");
  private readonly compare: FileComparison | undefined;
  /** The cache's entry of the compared file, when the file has its stat; undefined: hash as bytes come. */
  private readonly recorded: FileEntry | undefined;
  /** Bytes fed so far. */
  length = 0;
  /** How many of them the hash has taken in (the rest equal the compared file's and wait for a difference). */
  private hashed = 0;

  constructor(comparePath?: string, recorded?: FileEntry) {
    this.compare = comparePath === undefined ? undefined : new FileComparison(comparePath);
    this.recorded = recorded && this.compare?.hasStat(recorded) ? recorded : undefined;
  }

  /** Whether bytes known equal to the compared file's at this point may be skipped (`pushSame`). */
  get skipping(): boolean {
    return this.recorded !== undefined && this.compare!.same;
  }

  /** Feeds `bytes`; true while every byte so far equals the file's (never without a file). */
  push(bytes: Uint8Array): boolean {
    this.compare?.next(bytes);
    if (this.hashed < this.length && !this.compare!.same) this.catchUp();
    if (this.hashed === this.length && !this.skipping) {
      this.hash.update(bytes);
      this.hashed += bytes.length;
    }
    this.length += bytes.length;
    return this.compare?.same ?? false;
  }

  /** Whether `fd` is open on the compared file itself. */
  compares(fd: number): boolean {
    return this.compare?.isFile(fd) ?? false;
  }

  /** Feeds the compared file's own next `length` bytes, known equal to it without reading (only while `skipping`). */
  pushSame(length: number): void {
    if (!this.skipping) throw new Error("pushSame needs a file proven equal so far");
    this.compare!.skip(length);
    this.length += length;
  }

  /** The hash, and whether the file ended where the bytes did. Closes the compared file. */
  end(): { hash: string; same: boolean; length: number } {
    try {
      const same = this.compare?.end() ?? false;
      // the file still has the recorded stat, so its hash is the recorded one
      if (same && this.hashed < this.length && this.compare!.hasStat(this.recorded!))
        return { hash: this.recorded![4], same, length: this.length };
      if (this.hashed < this.length) this.catchUp();
      return { hash: this.hash.digest("hex"), same, length: this.length };
    } finally {
      this.close();
    }
  }

  close(): void {
    this.compare?.close();
  }

  /** Hashes the bytes not hashed yet from the compared file, where they equal the ones fed. */
  private catchUp(): void {
    this.compare!.readRange(this.hashed, this.length, (bytes) => this.hash.update(bytes));
    this.hashed = this.length;
  }
}

/** Streams a file's bytes through a `Digest`. */
export function digestFile(file: OutputFile, comparePath?: string): { hash: string; same: boolean; length: number } {
  const digest = new Digest(comparePath);
  try {
    file.writeTo((bytes) => digest.push(bytes));
    return digest.end();
  } finally {
    digest.close();
  }
}

/** Compares a stream of bytes with a file's, reading the file alongside; a missing file is never the same. */
export class FileComparison {
  private fd: number | undefined;
  private equal = true;
  /** Where in the file the next byte compared is. */
  private position = 0;
  private readonly buffer = Buffer.allocUnsafe(PIECE);
  /** The open file's stat when it was opened. */
  private openedStat: FileStat = [-1, "", "", -1];

  constructor(path: string) {
    try {
      this.fd = openSync(path, "r");
      const stat = fstatSync(this.fd, { bigint: true });
      if (!stat.isFile()) this.equal = false;
      this.openedStat = statOf(stat);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR" && code !== "EISDIR") throw e;
      this.equal = false;
    }
  }

  /** Whether the bytes so far equal the file's. */
  get same(): boolean {
    return this.equal;
  }

  /** Whether the open file has `entry`'s stat now. */
  hasStat(entry: FileEntry): boolean {
    return this.fd !== undefined && this.equal && sameStat(fstatSync(this.fd, { bigint: true }), entry);
  }

  next(bytes: Uint8Array): void {
    for (let off = 0; this.equal && off < bytes.length; ) {
      const want = Math.min(PIECE, bytes.length - off);
      const got = this.read(want);
      if (got !== want || !this.buffer.subarray(0, got).equals(bytes.subarray(off, off + got))) this.equal = false;
      off += got;
    }
  }

  /** Whether the open descriptor `fd` is this very file (same device and inode). */
  isFile(fd: number): boolean {
    if (this.fd === undefined) return false;
    const [a, b] = [fstatSync(this.fd, { bigint: true }), fstatSync(fd, { bigint: true })];
    return a.dev === b.dev && a.ino === b.ino;
  }

  /** Passes over `length` bytes known to equal the file's. */
  skip(length: number): void {
    this.position += length;
  }

  /**
   * Hands on the file's bytes from `start` to `end`, which were compared equal to the stream's: the file must still
   * be the one opened, else what is read now may not be what was compared.
   */
  readRange(start: number, end: number, sink: (bytes: Uint8Array) => void): void {
    for (let at = start; at < end; ) {
      const n = readSync(this.fd!, this.buffer, 0, Math.min(PIECE, end - at), at);
      if (n === 0) throw changedWhileCompared();
      sink(this.buffer.subarray(0, n));
      at += n;
    }
    if (!sameStat(fstatSync(this.fd!, { bigint: true }), this.openedStat)) throw changedWhileCompared();
  }

  /** True when the file ended where the stream did. */
  end(): boolean {
    return this.equal && this.read(1) === 0;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private read(length: number): number {
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd!, this.buffer, got, length - got, this.position);
      if (n === 0) break;
      got += n;
      this.position += n;
    }
    return got;
  }
}

function changedWhileCompared(): Error {
  return new Error("a generated file changed while it was compared with the new output; compile again");
}
