/**
 * An output file's content: one string for an ordinary file; for a large one (a task graph of 50,000 tasks is
 * ~250 MB) a producer that writes its UTF-8 bytes piece by piece, so the file is never one string or one buffer in
 * memory. Writing, checking and hashing all stream (write/file-comparison.ts); only `content` builds the whole text,
 * for callers that parse it.
 */
/** Receives bytes; a piece is valid only during the call (the producer reuses its buffer). */
export type ByteSink = (bytes: Uint8Array) => void;

export interface OutputFile {
  /** Relative to the generated directory. */
  readonly path: string;
  /** The whole text (built on each access for a streamed file: prefer `writeTo` there). */
  readonly content: string;
  /** A producer (its `content` is built on each access), not one string. */
  readonly streamed: boolean;
  /** Writes the UTF-8 bytes to `sink`, in order, in one or more pieces. */
  writeTo(sink: ByteSink): void;
}

export function textFile(path: string, content: string): OutputFile {
  return { path, content, streamed: false, writeTo: (sink) => sink(Buffer.from(content, "utf8")) };
}

export function streamedFile(path: string, produce: (out: ByteWriter) => void): OutputFile {
  const writeTo = (sink: ByteSink) => {
    const out = new ByteWriter(sink);
    produce(out);
    out.flush();
  };
  return {
    path,
    streamed: true,
    get content() {
      const pieces: Buffer[] = [];
      writeTo((b) => pieces.push(Buffer.from(b)));
      return Buffer.concat(pieces).toString("utf8");
    },
    writeTo,
  };
}

export const PIECE = 1 << 20;

/** Collects text into a reused 1 MiB buffer and hands it to a sink whenever it is full. */
export class ByteWriter {
  private readonly buffer = Buffer.allocUnsafe(PIECE);
  private used = 0;
  /** Bytes handed to the sink so far. */
  private flushed = 0;

  constructor(private readonly sink: ByteSink) {}

  /** How many bytes were written so far: the offset in the file of the next byte. */
  get position(): number {
    return this.flushed + this.used;
  }

  /** Appends `text`, which must not end inside a surrogate pair (a piece of JSON text never does). */
  write(text: string): void {
    // a UTF-16 code unit is at most 3 UTF-8 bytes
    if (text.length * 3 > PIECE) {
      this.writeBytes(Buffer.from(text, "utf8"));
      return;
    }
    if (this.used + text.length * 3 > PIECE) this.flush();
    this.used += this.buffer.write(text, this.used, "utf8");
  }

  /** Appends bytes (copied: `bytes` may be reused by the caller). */
  writeBytes(bytes: Uint8Array): void {
    if (this.used + bytes.length > PIECE) {
      this.flush();
      if (bytes.length > PIECE) {
        this.sink(bytes);
        this.flushed += bytes.length;
        return;
      }
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Appends `text`, which must be ASCII (a number's digits): byte by byte, cheaper than encoding a short string. */
  writeAscii(text: string): void {
    if (this.used + text.length > PIECE) this.flush();
    for (let i = 0; i < text.length; i++) this.buffer[this.used++] = text.charCodeAt(i);
  }

  flush(): void {
    if (this.used) this.sink(this.buffer.subarray(0, this.used));
    this.flushed += this.used;
    this.used = 0;
  }
}
