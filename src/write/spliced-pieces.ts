/**
 * On the staging thread: a file's pieces with the ranges spliced into them read from their source (the last output,
 * open on the main thread, whose descriptor this thread shares), assembled into pieces of up to 1 MiB for the stager.
 * The source must still have, once its ranges were read, the stat it had when the copy was decided: anything else
 * (a hand edit of the old output meanwhile) fails the write, which then leaves the output as it was. A range that
 * is the replaced file's own bytes at their own offset, while the file is proven equal so far, is not read at all.
 */
import { fstatSync, readSync } from "node:fs";
import { sameStat } from "../cache/file-stats.js";
import { type CopySource, PIECE } from "../emit/output-file.js";

/** Pieces at least this large are handed on without being assembled. */
const DIRECT = 64 << 10;
/** Bytes of the source read at once: neighbouring ranges are then one read. */
const WINDOW = 8 << 20;

/** A stager that can take bytes known equal to the file it replaces without reading them (stage-output.ts). */
export interface InPlaceSink {
  /** Whether a range of `fd` at `offset`, copied after `pending` more bytes, is known equal there. */
  takesInPlace(fd: number, offset: number, pending?: number): boolean;
  pushInPlace(length: number): void;
}

export class SplicedPieces {
  /** The piece being assembled (allocated when first needed: most files are one text). */
  private piece: Buffer | undefined;
  private used = 0;
  private readonly window = { fd: -1, buffer: Buffer.alloc(0), start: 0, length: 0 };
  /** Each source read, by descriptor. */
  private readonly sources = new Map<number, CopySource>();

  constructor(
    private readonly push: (bytes: Uint8Array) => void,
    private readonly inPlace?: InPlaceSink,
  ) {}

  /** Adds `bytes` with `ranges` ([at, offset, length] triples) of `source` spliced in. */
  add(bytes: Uint8Array, ranges: readonly number[] = [], source?: CopySource): void {
    let from = 0;
    for (let i = 0; i < ranges.length; i += 3) {
      this.append(bytes.subarray(from, ranges[i]));
      this.appendRange(source!, ranges[i + 1], ranges[i + 2]);
      from = ranges[i];
    }
    this.append(bytes.subarray(from));
  }

  /** Hands on what is left and checks every source read still has its stat. */
  end(): void {
    this.handOn();
    this.window.buffer = Buffer.alloc(0);
    this.window.fd = -1;
    for (const source of this.sources.values()) if (!stillSame(source)) throw changed();
  }

  /** Hands on the piece being assembled. */
  private handOn(): void {
    if (this.used) this.push(this.piece!.subarray(0, this.used));
    this.used = 0;
  }

  private append(bytes: Uint8Array): void {
    // a large piece with nothing pending goes on as it is (a rendered piece, a text): no copy
    if (!this.used && bytes.length >= DIRECT) {
      this.push(bytes);
      return;
    }
    for (let off = 0; off < bytes.length; ) {
      this.piece ??= Buffer.allocUnsafe(PIECE);
      const n = Math.min(PIECE - this.used, bytes.length - off);
      this.piece.set(bytes.subarray(off, off + n), this.used);
      this.used += n;
      off += n;
      if (this.used === PIECE) {
        this.push(this.piece);
        this.used = 0;
      }
    }
  }

  private appendRange(source: CopySource, offset: number, length: number): void {
    this.sources.set(source.fd, source);
    // the bytes pending may yet show a difference: they go first, then the question is asked again
    if (this.inPlace?.takesInPlace(source.fd, offset, this.used)) {
      this.handOn();
      if (this.inPlace.takesInPlace(source.fd, offset)) {
        this.inPlace.pushInPlace(length);
        return;
      }
    }
    for (let at = offset; at < offset + length; ) {
      const available = this.readAt(source, at);
      const n = Math.min(available.length, offset + length - at);
      this.append(available.subarray(0, n));
      at += n;
    }
  }

  /** The source's bytes from `offset` on, as far as the window holds them (at least one byte). */
  private readAt(source: CopySource, offset: number): Buffer {
    const w = this.window;
    if (w.fd !== source.fd || offset < w.start || offset >= w.start + w.length) {
      if (w.buffer.length < WINDOW) w.buffer = Buffer.allocUnsafe(WINDOW);
      w.fd = source.fd;
      w.start = offset;
      w.length = readSync(source.fd, w.buffer, 0, WINDOW, offset);
      if (w.length === 0) throw changed();
    }
    return w.buffer.subarray(offset - w.start, w.length);
  }
}

function stillSame({ fd, stat }: CopySource): boolean {
  return sameStat(fstatSync(fd, { bigint: true }), stat);
}

function changed(): Error {
  return new Error("the last output changed while its unchanged pieces were copied from it; compile again");
}
