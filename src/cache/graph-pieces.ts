/**
 * Serialised pieces of a big output file (a branch's task graph; its buildbot config, by platform), kept where they
 * already are: in the file the last compile wrote. A record beside it lists each entry's label, the key of what it is
 * made of (a unit's: piece-keys.ts; a platform's: platform-files.ts) and its byte range in the file, with the file's
 * stat taken after it was written. The next compile copies the bytes of every entry whose key is unchanged from that
 * file instead of serialising it again, and renders the rest.
 *
 * The record is trusted only while the file is the one it describes: same size, modification and change time and
 * inode (a rename or an edit changes them). Its stat is taken only once the file system's clock has moved past the
 * file's times, so a later edit always shows. The record itself carries a checksum (store.ts), so a truncated, corrupt
 * or foreign one is ignored with a note. Bytes are copied, and the new record's stat taken, only under the output
 * directory's lock (held by the write while the file is produced and until it is in place), so no other compile
 * replaces the file meanwhile.
 */
import { type BigIntStats, closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ByteWriter, CopySource } from "../emit/output-file.js";
import type { UnitPieces } from "../emit/types.js";
import type { Branch, Layer, Tree } from "../model.js";
import { codeIdentity } from "../version.js";
import { DEFAULT_VOCABULARY } from "../vocabulary.js";
import { type FileStat, sameStat, statOf } from "./file-stats.js";
import { unitKeys } from "./piece-keys.js";
import { hasRecordHead, readRecord, recordName, waitForClockPast, writeRecord } from "./store.js";

/** [label, index of its key in `keys`, offset, length]. */
type Entry = readonly [string, number, number, number];

interface PiecesRecord {
  readonly kind: "graph-pieces";
  readonly file: string;
  readonly code: string;
  /** [size, mtimeNs, ctimeNs, ino] of the file once written. */
  readonly stat: FileStat;
  readonly keys: readonly string[];
  readonly entries: readonly Entry[];
}

function isPiecesRecord(v: unknown): v is PiecesRecord {
  const r = v as PiecesRecord;
  return (
    hasRecordHead(v, "graph-pieces") &&
    typeof r.file === "string" &&
    Array.isArray(r.stat) &&
    r.stat.length === 4 &&
    Array.isArray(r.keys) &&
    r.keys.every((k) => typeof k === "string") &&
    Array.isArray(r.entries) &&
    r.entries.every(
      (e) =>
        Array.isArray(e) &&
        e.length === 4 &&
        typeof e[0] === "string" &&
        Number.isInteger(e[1]) &&
        e[1] >= 0 &&
        e[1] < r.keys.length &&
        Number.isInteger(e[2]) &&
        e[2] >= 0 &&
        Number.isInteger(e[3]) &&
        e[3] >= 0 &&
        e[2] + e[3] <= r.stat[0],
    )
  );
}

/** The pieces cache of one compile's output directory: one `FilePieces` per big file produced. */
export class GraphPieces {
  private dir: string | undefined;
  private readonly files = new Map<string, FilePieces>();
  readonly notes: string[] = [];

  constructor(
    private readonly cacheDir: string,
    /** The --set layers of the compile: part of every unit's key. */
    private readonly overrides: readonly Layer[] = [],
  ) {}

  /** Where the output goes (known once the tree is loaded; before that, nothing is reused). */
  bind(dir: string): void {
    this.dir = resolve(dir);
  }

  /**
   * The pieces of output file `path` (relative to the output directory) of `branch`, with the key of each job's unit;
   * undefined where nothing may be reused (another vocabulary than jobdef's, whose terms the keys do not cover).
   */
  of(path: string, tree: Tree, branch: Branch): UnitPieces | undefined {
    if (this.dir === undefined || tree.vocabulary !== DEFAULT_VOCABULARY) return undefined;
    let file = this.files.get(path);
    if (!file) {
      file = new FilePieces(this.cacheDir, join(this.dir, path), this.notes);
      this.files.set(path, file);
    }
    return { file, keyOf: unitKeys(tree, branch, this.overrides) };
  }

  /** After the write: records each file's new pieces (none for a file whose write failed: call only on success). */
  save(): void {
    for (const pieces of this.files.values()) pieces.save();
  }

  /** Per file produced: how many entries were copied from the last output, of how many (for --debug and tests). */
  counts(): { path: string; copied: number; entries: number }[] {
    return [...this.files].map(([path, f]) => ({ path, copied: f.copied, entries: f.noted }));
  }

  /** Lets go of every old file (also after a failed write). */
  close(): void {
    for (const pieces of this.files.values()) pieces.close();
  }
}

/** Window of the old file read at once: copies of neighbouring entries are then one read. */
const WINDOW = 8 << 20;

/**
 * One file's pieces: the old ones (from the record, usable while the file on disk is the one it describes) and the
 * new ones, noted as the file is produced.
 */
export class FilePieces {
  private old: Map<string, [number, number, number]> | undefined;
  private oldKeys: readonly string[] = [];
  private fd: number | undefined;
  /** The old file as ranges name it: its descriptor and the stat it had when opened. */
  private source: CopySource | undefined;
  private opened = false;
  private readonly window = { buffer: Buffer.alloc(0), start: 0, length: 0 };
  private readonly keys = new Map<string, number>();
  private entries: Entry[] = [];
  /** Entries copied from the old file in this run. */
  copied = 0;

  constructor(
    private readonly cacheDir: string,
    private readonly file: string,
    private readonly notes: string[],
  ) {}

  /** Starts producing the file again (a producer may run more than once): the new pieces noted so far are dropped. */
  restart(): void {
    this.entries = [];
    this.keys.clear();
    this.copied = 0;
  }

  /** Entries written in this run. */
  get noted(): number {
    return this.entries.length;
  }

  /**
   * Writes the old bytes of `label` when its unit's key is still `key`; false when they must be rendered. A writer
   * that takes ranges gets the range, read on the staging thread, which checks the file still has the stat then.
   * `separator`: what the producer writes between two entries, and nothing else (a JSON mapping's `,\n`).
   */
  copy(label: string, key: string, out: ByteWriter, separator?: string): boolean {
    this.open();
    const old = this.old?.get(label);
    if (!old || this.oldKeys[old[0]] !== key) return false;
    // Two entries `separator.length` bytes apart in the old file were neighbours, with `separator` between them:
    // this code wrote it (the record's code identity) and nothing else between two entries, so it need not be read.
    if (out.takesRanges) out.copyRange(this.source!, old[1], old[2], separator);
    else {
      const bytes = this.read(old[1], old[2]);
      if (!bytes) return false;
      out.writeBytes(bytes);
    }
    this.copied++;
    return true;
  }

  /** Notes that `label`'s entry, of the unit `key`, was written at [offset, offset + length) of the new file. */
  note(label: string, key: string, offset: number, length: number): void {
    let k = this.keys.get(key);
    if (k === undefined) {
      k = this.keys.size;
      this.keys.set(key, k);
    }
    this.entries.push([label, k, offset, length]);
  }

  private open(): void {
    if (this.opened) return;
    this.opened = true;
    const read = readRecord(this.cacheDir, recordName("pieces", this.file), isPiecesRecord);
    if (!read.found) {
      if (read.note) this.notes.push(read.note);
      return;
    }
    const record = read.value;
    if (record.file !== this.file || record.code !== codeIdentity()) return;
    let fd: number | undefined;
    try {
      fd = openSync(this.file, "r");
      // the stat of the open file: what is read below is this file, whatever happens to the path
      if (!sameStat(fstatSync(fd, { bigint: true }), record.stat)) {
        closeSync(fd);
        return;
      }
    } catch {
      if (fd !== undefined) closeSync(fd);
      return;
    }
    this.fd = fd;
    this.source = { fd, stat: record.stat };
    this.oldKeys = record.keys;
    this.old = new Map(record.entries.map((e) => [e[0], [e[1], e[2], e[3]]]));
  }

  /** `length` bytes at `offset` of the old file (a view valid until the next read), or undefined when it is short. */
  private read(offset: number, length: number): Buffer | undefined {
    const w = this.window;
    if (offset < w.start || offset + length > w.start + w.length) {
      const size = Math.max(WINDOW, length);
      if (w.buffer.length < size) w.buffer = Buffer.allocUnsafe(size);
      w.start = offset;
      w.length = 0;
      try {
        for (let n = -1; n !== 0 && w.length < size; w.length += n)
          n = readSync(this.fd!, w.buffer, w.length, size - w.length, offset + w.length);
      } catch {
        w.length = 0;
      }
      if (w.length < length) return undefined;
    }
    return w.buffer.subarray(offset - w.start, offset - w.start + length);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.source = undefined;
    this.window.buffer = Buffer.alloc(0);
  }

  /** Records the new pieces with the new file's stat, once the clock has moved past its times. */
  save(): void {
    this.close();
    if (!this.entries.length) return;
    const stat = statAfterTick(this.file, this.cacheDir);
    if (!stat) return;
    const record: PiecesRecord = {
      kind: "graph-pieces",
      file: this.file,
      code: codeIdentity(),
      stat: statOf(stat),
      keys: [...this.keys.keys()],
      entries: this.entries,
    };
    writeRecord(this.cacheDir, recordName("pieces", this.file), record);
  }
}

/** The file's stat, taken once the clock has moved past its times (undefined when it does not, or on any error). */
function statAfterTick(file: string, cacheDir: string): BigIntStats | undefined {
  try {
    const before = statSync(file, { bigint: true });
    return waitForClockPast(cacheDir, [before.mtimeNs, before.ctimeNs]) ? statSync(file, { bigint: true }) : undefined;
  } catch {
    return undefined;
  }
}
