/** Streaming an output file through its hash and a comparison with the file on disk (for write and check). */
import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type OutputFile, PIECE } from "../emit/output-file.js";

/** A file's sha256 and, when given a path, whether its bytes equal that file's, fed one piece at a time. */
export class Digest {
  private readonly hash = createHash("sha256");
  private readonly compare: FileComparison | undefined;
  /** Bytes fed so far. */
  length = 0;

  constructor(comparePath?: string) {
    this.compare = comparePath === undefined ? undefined : new FileComparison(comparePath);
  }

  /** Feeds `bytes`; true while every byte so far equals the file's (never without a file). */
  push(bytes: Uint8Array): boolean {
    this.hash.update(bytes);
    this.compare?.next(bytes);
    this.length += bytes.length;
    return this.compare?.same ?? false;
  }

  /** The hash, and whether the file ended where the bytes did. Closes the compared file. */
  end(): { hash: string; same: boolean; length: number } {
    try {
      return { hash: this.hash.digest("hex"), same: this.compare?.end() ?? false, length: this.length };
    } finally {
      this.close();
    }
  }

  close(): void {
    this.compare?.close();
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
  private readonly buffer = Buffer.allocUnsafe(PIECE);

  constructor(path: string) {
    try {
      this.fd = openSync(path, "r");
      if (!fstatSync(this.fd).isFile()) this.equal = false;
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

  next(bytes: Uint8Array): void {
    for (let off = 0; this.equal && off < bytes.length; ) {
      const want = Math.min(PIECE, bytes.length - off);
      const got = this.read(want);
      if (got !== want || !this.buffer.subarray(0, got).equals(bytes.subarray(off, off + got))) this.equal = false;
      off += got;
    }
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
      const n = readSync(this.fd!, this.buffer, got, length - got, null);
      if (n === 0) break;
      got += n;
    }
    return got;
  }
}
