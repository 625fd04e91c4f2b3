/** Streaming an output file through its hash and a comparison with the file on disk (for write and check). */
import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type OutputFile, PIECE } from "../emit/output-file.js";

/**
 * Streams a file's bytes through a hash and, when given, a comparison with the file at `comparePath`. `each` sees
 * every piece once it is compared: the bytes, how many came before them, and whether all so far equal the file's.
 */
export function digestFile(
  file: OutputFile,
  comparePath?: string,
  each?: (bytes: Uint8Array, before: number, same: boolean) => void,
): { hash: string; same: boolean; length: number } {
  const hash = createHash("sha256");
  const compare = comparePath === undefined ? undefined : new FileComparison(comparePath);
  let length = 0;
  try {
    file.writeTo((bytes) => {
      hash.update(bytes);
      compare?.next(bytes);
      each?.(bytes, length, compare?.same ?? false);
      length += bytes.length;
    });
    return { hash: hash.digest("hex"), same: compare?.end() ?? false, length };
  } finally {
    compare?.close();
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
