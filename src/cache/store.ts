/**
 * jobdef's persistent cache directory (`<root>/.jobdef-cache/` unless overridden): records, each one file written
 * whole (a temporary file renamed over it, so concurrent writers leave one writer's record, never a mix) and carrying
 * a checksum of its body, so a truncated, corrupt or hand-edited record is detected and ignored, never trusted.
 * A record of kept entries may also grow by additions appended to it, each a line with its own checksum: renaming
 * hundreds of records over their old selves costs more than the compile they spare (ext4 flushes each replaced
 * file's data), and one platform edit adds entries to every suite's record.
 * Nothing in it is needed: deleting the directory only makes the next run cold.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { replaceFile } from "../replace-file.js";
import { setOwn } from "../values.js";
import { codeIdentity } from "../version.js";

/** The default cache directory's name under the tree root; git-ignored by the `.gitignore` written inside it. */
export const CACHE_DIR_NAME = ".jobdef-cache";
/** The record format; a record of another format is ignored. */
const FORMAT = "jobdef-cache 1";

export type Read<T> =
  | {
      readonly found: true;
      readonly value: T;
      /** With `additions`: those whose checksum holds, in their order. */
      readonly additions?: readonly unknown[];
      /** Why some additions were left out. */
      readonly note?: string;
    }
  | { readonly found: false /** Why a record that exists was ignored (absent: no note). */; readonly note?: string };

/** The cache directory: `--cache-dir`, else `$JOBDEF_CACHE_DIR`, else `<root>/.jobdef-cache`. */
export function cacheDirOf(root: string, override?: string, env = process.env): string {
  return override ?? env.JOBDEF_CACHE_DIR ?? join(root, CACHE_DIR_NAME);
}

/**
 * Reads record `name`; `accept` says whether its body is the shape expected (else it is ignored with a note). With
 * `additions`, the lines appended after the body (`appendToRecord`) are read too, each one alone: one whose checksum
 * does not hold (a torn append) is left out with a note, the others kept.
 */
export function readRecord<T>(
  dir: string,
  name: string,
  accept: (body: unknown) => body is T,
  options: { readonly additions?: boolean } = {},
): Read<T> {
  let text: string;
  try {
    text = readFileSync(join(dir, name), "utf8");
  } catch {
    return { found: false };
  }
  const newline = text.indexOf("\n");
  const [format, sum] = [text.slice(0, newline).slice(0, FORMAT.length), text.slice(FORMAT.length + 1, newline)];
  const bodyEnd = options.additions ? endOfLine(text, newline + 1) : text.length;
  const body = text.slice(newline + 1, bodyEnd);
  const where = `the cache record ${join(dir, name)}`;
  const ignored = (why: string) => ({ found: false as const, note: `ignored ${where}: ${why}` });
  if (newline < 0 || format !== FORMAT) return ignored("not a record of this jobdef's cache format");
  if (checksum(body) !== sum) return ignored("its checksum does not match (truncated or corrupt)");
  const value = parseJson(body);
  if (value === undefined || !accept(value)) return ignored("not the record expected");
  if (!options.additions) return { found: true, value };
  const { additions, torn } = readAdditions(text, bodyEnd);
  const note = torn ? `ignored ${torn} addition${torn === 1 ? "" : "s"} to ${where}: truncated or corrupt` : undefined;
  return { found: true, value, additions, ...(note && { note }) };
}

function endOfLine(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end < 0 ? text.length : end;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The additions after the body (each line `<checksum> <json>`) whose checksum holds, and how many did not. */
function readAdditions(text: string, from: number): { additions: unknown[]; torn: number } {
  const additions: unknown[] = [];
  let torn = 0;
  for (let start = from + 1; start < text.length; ) {
    const end = endOfLine(text, start);
    const line = text.slice(start, end);
    const space = line.indexOf(" ");
    const body = line.slice(space + 1);
    const value = space === 64 && checksum(body) === line.slice(0, 64) ? parseJson(body) : undefined;
    if (value === undefined) torn++;
    else additions.push(value);
    start = end + 1;
  }
  return { additions, torn };
}

/**
 * Appends `value` to record `name` as one checksummed line, in one write to a file opened for appending only (so
 * concurrent appends do not interleave); nothing when the record is gone. A failed append is no error.
 */
export function appendToRecord(dir: string, name: string, value: unknown): void {
  const body = JSON.stringify(value);
  let fd: number | undefined;
  try {
    fd = openSync(join(dir, name), constants.O_WRONLY | constants.O_APPEND);
    writeSync(fd, Buffer.from(`\n${checksum(body)} ${body}`, "utf8"));
  } catch {
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes record `name` whole; a cache that cannot be written is no error (the next run is just cold). `value` may be
 * built from the file system's clock (the modification time of the record's new file, in ns), which tells what was
 * written before this record (see output-record.ts).
 */
export function writeRecord(dir: string, name: string, value: unknown | ((fsNowNs: bigint) => unknown)): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, ".gitignore"), "# jobdef's cache: nothing here is needed\n*\n", { flag: "wx" });
  } catch {}
  try {
    replaceFile(join(dir, name), (tmp) => {
      writeFileSync(tmp, "");
      const body = JSON.stringify(typeof value === "function" ? value(statSync(tmp, { bigint: true }).mtimeNs) : value);
      writeFileSync(tmp, `${FORMAT} ${checksum(body)}\n${body}`);
    });
  } catch {}
}

/**
 * Waits (a few ms at most, as file times move in ticks of the kernel's clock) until a file created now in `dir` gets
 * a modification time later than every one of `times` (ns); false when it does not within 50 ms or on any error.
 * After it, an edit of a file whose times are among them gives it a later time, so a stat taken now tells any later
 * change.
 */
export function waitForClockPast(dir: string, times: readonly bigint[]): boolean {
  const deadline = performance.now() + 50;
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    return false;
  }
  for (;;) {
    const now = fileSystemNow(dir);
    if (now === undefined) return false;
    if (times.every((t) => now > t)) return true;
    if (performance.now() > deadline) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
  }
}

/**
 * The file system's clock: the modification time (ns) of a file created now in the existing directory `dir`;
 * undefined on any error.
 */
export function fileSystemNow(dir: string): bigint | undefined {
  const probe = join(dir, `.tick-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    writeFileSync(probe, "");
    return statSync(probe, { bigint: true }).mtimeNs;
  } catch {
    return undefined;
  } finally {
    rmSync(probe, { force: true });
  }
}

function checksum(body: string): string {
  return createHash("sha256").update(body).digest("hex");
}

/** A record's name: its kind and 16 hex digits of the sha256 of what it is about (a tree root, a directory, a file). */
export function recordName(kind: string, about: string): string {
  return `${kind}-${createHash("sha256").update(about).digest("hex").slice(0, 16)}.json`;
}

/** The head every record carries: an object of its kind, written by the jobdef whose `codeIdentity()` is `code`. */
export function hasRecordHead(v: unknown, kind: string): v is { kind: string; code: string } & Record<string, unknown> {
  const r = v as { kind?: unknown; code?: unknown } | null;
  return typeof r === "object" && r !== null && r.kind === kind && typeof r.code === "string";
}

interface EntriesRecord<T> {
  readonly kind: string;
  readonly code: string;
  readonly entries: Readonly<Record<string, T>>;
}

/**
 * Entries by key kept in one record between runs: read on first use (a record or addition of another jobdef's code
 * is not used). `save` appends the entries added in this run to the record while its dead entries (from earlier runs,
 * not asked for in this one) stay under half of its live ones; past that, or when the record could not be used, it
 * writes the record again with the live entries only. A key names its entry's content, so any entry under it that
 * passes the checks is right, whichever run wrote it.
 */
export class KeptEntries<T> {
  private old: Readonly<Record<string, T>> | undefined;
  /** Entries the record holds, additions and dead ones included; undefined when it could not be used. */
  private stored: number | undefined;
  private readonly now: Record<string, T> = {};
  private readonly added: Record<string, T> = {};
  private changed = false;
  reused = 0;

  constructor(
    private readonly place: { readonly cacheDir: string; readonly name: string; readonly kind: string },
    private readonly isEntry: (v: unknown) => v is T,
    private readonly notes: string[],
  ) {}

  get(key: string): T | undefined {
    if (this.old === undefined) this.old = this.read();
    if (!Object.hasOwn(this.old, key)) return undefined;
    const entry = this.old[key] as T;
    this.now[key] = entry;
    this.reused++;
    return entry;
  }

  put(key: string, entry: T): void {
    this.now[key] = entry;
    this.added[key] = entry;
    this.changed = true;
  }

  save(): void {
    const live = Object.keys(this.now).length;
    const dead = this.stored === undefined ? undefined : this.stored + Object.keys(this.added).length - live;
    const { cacheDir, name, kind } = this.place;
    const compact = dead === undefined || dead * 2 > live;
    if (!compact && !this.changed) return;
    if (!compact) appendToRecord(cacheDir, name, { code: codeIdentity(), entries: this.added });
    else if (this.changed || this.stored !== live)
      writeRecord(cacheDir, name, { kind, code: codeIdentity(), entries: this.now } satisfies EntriesRecord<T>);
  }

  private read(): Readonly<Record<string, T>> {
    const { cacheDir, name, kind } = this.place;
    const accept = (v: unknown): v is EntriesRecord<T> => hasRecordHead(v, kind) && this.hasEntries(v);
    const read = readRecord(cacheDir, name, accept, { additions: true });
    if (read.note) this.notes.push(read.note);
    // a record of another jobdef is no error: it is replaced
    if (!read.found || read.value.code !== codeIdentity()) return {};
    const entries: Record<string, T> = { ...read.value.entries };
    let stored = Object.keys(entries).length;
    for (const addition of read.additions ?? []) {
      if (!this.hasEntries(addition) || (addition as { code?: unknown }).code !== codeIdentity()) continue;
      for (const [key, entry] of Object.entries(addition.entries)) {
        setOwn(entries, key, entry);
        stored++;
      }
    }
    this.stored = stored;
    return entries;
  }

  private hasEntries(v: unknown): v is { entries: Record<string, T> } {
    const e = (v as { entries?: unknown } | null)?.entries;
    return typeof e === "object" && e !== null && !Array.isArray(e) && Object.values(e).every(this.isEntry);
  }
}
