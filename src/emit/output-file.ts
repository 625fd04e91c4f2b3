/**
 * An output file's content: one string for an ordinary file; for a large one (a task graph of 50,000 tasks is
 * ~250 MB) a producer that writes its UTF-8 bytes piece by piece, so the file is never one string or one buffer in
 * memory. Writing, checking and hashing all stream; only `content` builds the whole text, for callers that parse it.
 */
import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Receives bytes; a piece is valid only during the call (the producer reuses its buffer). */
export type ByteSink = (bytes: Uint8Array) => void;

export interface OutputFile {
  /** Relative to the generated directory. */
  readonly path: string;
  /** The whole text (built on each access for a streamed file: prefer `writeTo` there). */
  readonly content: string;
  /** Writes the UTF-8 bytes to `sink`, in order, in one or more pieces. */
  writeTo(sink: ByteSink): void;
}

export function textFile(path: string, content: string): OutputFile {
  return { path, content, writeTo: (sink) => sink(Buffer.from(content, "utf8")) };
}

export function streamedFile(path: string, produce: (out: ByteWriter) => void): OutputFile {
  const writeTo = (sink: ByteSink) => {
    const out = new ByteWriter(sink);
    produce(out);
    out.flush();
  };
  return {
    path,
    get content() {
      const pieces: Buffer[] = [];
      writeTo((b) => pieces.push(Buffer.from(b)));
      return Buffer.concat(pieces).toString("utf8");
    },
    writeTo,
  };
}

const PIECE = 1 << 20;

/** Collects text into a reused 1 MiB buffer and hands it to a sink whenever it is full. */
export class ByteWriter {
  private readonly buffer = Buffer.allocUnsafe(PIECE);
  private used = 0;

  constructor(private readonly sink: ByteSink) {}

  /** Appends `text`, which must not end inside a surrogate pair (a piece of JSON text never does). */
  write(text: string): void {
    // a UTF-16 code unit is at most 3 UTF-8 bytes
    if (this.used + text.length * 3 > PIECE) {
      this.flush();
      if (text.length * 3 > PIECE) {
        this.sink(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, "utf8");
  }

  flush(): void {
    if (this.used) this.sink(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

/** Streams a file's bytes through a hash and, when given, a comparison with the file at `comparePath`. */
export function digestFile(file: OutputFile, comparePath?: string): { hash: string; same: boolean } {
  const hash = createHash("sha256");
  const compare = comparePath === undefined ? undefined : new FileComparison(comparePath);
  try {
    file.writeTo((bytes) => {
      hash.update(bytes);
      compare?.next(bytes);
    });
    return { hash: hash.digest("hex"), same: compare?.end() ?? false };
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
