/**
 * An output file's content: one string for an ordinary file; for a large one (a task graph of 50,000 tasks is
 * ~250 MB) a producer that writes its UTF-8 bytes piece by piece, so the file is never one string or one buffer in
 * memory. Writing, checking and hashing all stream (write/file-comparison.ts); only `content` builds the whole text,
 * for callers that parse it.
 */
import type { FileStat } from "../cache/file-stats.js";

/** Receives bytes; a piece is valid only during the call (the producer reuses its buffer). */
export type ByteSink = (bytes: Uint8Array) => void;

/** An open file whose bytes a producer copies: its descriptor and its stat when the copy was decided. */
export interface CopySource {
  readonly fd: number;
  /** The file must still have this stat once its bytes were read. */
  readonly stat: FileStat;
}

/**
 * A piece of a file with ranges of an open file spliced in: `ranges` holds triples [at, offset, length], each the
 * `length` bytes at `offset` of `source`, to insert before byte `at` of `bytes` (in order; `at` never decreases).
 */
export interface SplicedPiece {
  readonly bytes: Uint8Array;
  readonly ranges: readonly number[];
  readonly source: CopySource | undefined;
}

/**
 * Receives every piece of a file as a spliced piece: a sink that reads copied ranges itself (the staging thread),
 * so that bytes copied from the last output never pass through the producer's thread.
 */
export type SplicedSink = (piece: SplicedPiece) => void;

export interface OutputFile {
  /** Relative to the generated directory. */
  readonly path: string;
  /** The whole text (built on each access for a streamed file: prefer `writeTo` there). */
  readonly content: string;
  /** A producer (its `content` is built on each access), not one string. */
  readonly streamed: boolean;
  /**
   * Staged before the other files (a task graph, the largest by far): the staging thread, whose writing and flushing
   * of it is the longest part of a compile, then works on it while the main thread produces the rest.
   */
  readonly stagedFirst?: boolean;
  /**
   * Writes the UTF-8 bytes to `sink`, in order, in one or more pieces; with `spliced`, every piece goes there instead,
   * with the ranges it copies from an open file left for that sink to read.
   */
  writeTo(sink: ByteSink, spliced?: SplicedSink): void;
}

/**
 * A file held as one string; given a function, the string is made on first use (once): the write stages the task
 * graph first, so the staging thread works on it while the main thread serialises the other targets.
 */
export function textFile(path: string, content: string | (() => string)): OutputFile {
  let text = typeof content === "string" ? content : undefined;
  const textOf = () => {
    text ??= (content as () => string)();
    return text;
  };
  return {
    path,
    streamed: false,
    get content() {
      return textOf();
    },
    writeTo: (sink) => sink(Buffer.from(textOf(), "utf8")),
  };
}

export function streamedFile(path: string, produce: (out: ByteWriter) => void, stagedFirst = false): OutputFile {
  const writeTo = (sink: ByteSink, spliced?: SplicedSink) => {
    const out = new ByteWriter(sink, spliced);
    produce(out);
    out.flush();
  };
  return {
    path,
    streamed: true,
    stagedFirst,
    get content() {
      const pieces: Buffer[] = [];
      writeTo((b) => pieces.push(Buffer.from(b)));
      return Buffer.concat(pieces).toString("utf8");
    },
    writeTo,
  };
}

export const PIECE = 1 << 20;

/** Ranges a spliced piece holds at most: the piece is handed on when it has this many. */
const MAX_RANGES = 8192;

/**
 * Collects text into a reused 1 MiB buffer and hands it to a sink whenever it is full. With a spliced sink, ranges
 * copied from an open file are handed on as ranges (contiguous ones as one), and every piece goes to that sink.
 */
export class ByteWriter {
  private readonly buffer = Buffer.allocUnsafe(PIECE);
  private used = 0;
  /** Bytes handed to the sink so far. */
  private flushed = 0;
  /** The ranges of the piece being collected ([at, offset, length] triples) and their bytes. */
  private ranges: number[] = [];
  private rangeBytes = 0;
  private source: CopySource | undefined;

  constructor(
    private readonly sink: ByteSink,
    private readonly spliced?: SplicedSink,
  ) {}

  /** How many bytes were written so far: the offset in the file of the next byte. */
  get position(): number {
    return this.flushed + this.used + this.rangeBytes;
  }

  /** Whether `copyRange` hands ranges on (else the caller reads the bytes and writes them). */
  get takesRanges(): boolean {
    return this.spliced !== undefined;
  }

  /**
   * Appends `length` bytes at `offset` of `source`, read by the spliced sink (only when `takesRanges`). Neighbouring
   * ranges are one: the last range ends where this one starts, or `gap` before it when exactly `gap` was written
   * since, for a caller that knows the source holds those bytes between the two (the sink then neither reads nor
   * compares the gap on its own).
   */
  copyRange(source: CopySource, offset: number, length: number, gap = ""): void {
    if (!this.spliced) throw new Error("copyRange needs a spliced sink");
    if ((this.source && this.source !== source) || this.ranges.length >= MAX_RANGES * 3) this.flush();
    this.source = source;
    const r = this.ranges;
    const last = r.length - 3;
    const since = last < 0 ? -1 : this.used - r[last];
    const between = since === 0 || (since === gap.length && this.holds(r[last], gap));
    if (between && r[last + 1] + r[last + 2] + since === offset) {
      // the gap's bytes move from the buffer into the range
      this.used -= since;
      r[last + 2] += since + length;
      this.rangeBytes += since + length;
    } else {
      r.push(this.used, offset, length);
      this.rangeBytes += length;
    }
  }

  /** Whether the buffer holds the ASCII `text` from `at` on. */
  private holds(at: number, text: string): boolean {
    for (let i = 0; i < text.length; i++) if (this.buffer[at + i] !== text.charCodeAt(i)) return false;
    return true;
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
        this.hand(bytes);
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
    if (this.used || this.ranges.length) this.hand(this.buffer.subarray(0, this.used));
    this.flushed += this.used + this.rangeBytes;
    this.used = 0;
    this.rangeBytes = 0;
    this.ranges = [];
  }

  private hand(bytes: Uint8Array): void {
    if (this.spliced) this.spliced({ bytes, ranges: this.ranges, source: this.source });
    else this.sink(bytes);
  }
}
