/**
 * jobdef's persistent cache directory (`<root>/.jobdef-cache/` unless overridden): records, each one file written
 * whole (a temporary file renamed over it, so concurrent writers leave one writer's record, never a mix) and carrying
 * a checksum of its body, so a truncated, corrupt or hand-edited record is detected and ignored, never trusted.
 * Nothing in it is needed: deleting the directory only makes the next run cold.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { replaceFile } from "../replace-file.js";
import { codeIdentity } from "../version.js";

/** The default cache directory's name under the tree root; git-ignored by the `.gitignore` written inside it. */
export const CACHE_DIR_NAME = ".jobdef-cache";
/** The record format; a record of another format is ignored. */
const FORMAT = "jobdef-cache 1";

export type Read<T> =
  | { readonly found: true; readonly value: T }
  | { readonly found: false /** Why a record that exists was ignored (absent: no note). */; readonly note?: string };

/** The cache directory: `--cache-dir`, else `$JOBDEF_CACHE_DIR`, else `<root>/.jobdef-cache`. */
export function cacheDirOf(root: string, override?: string, env = process.env): string {
  return override ?? env.JOBDEF_CACHE_DIR ?? join(root, CACHE_DIR_NAME);
}

/** Reads record `name`; `accept` says whether its body is the shape expected (else it is ignored with a note). */
export function readRecord<T>(dir: string, name: string, accept: (body: unknown) => body is T): Read<T> {
  let text: string;
  try {
    text = readFileSync(join(dir, name), "utf8");
  } catch {
    return { found: false };
  }
  const newline = text.indexOf("\n");
  const [format, sum] = [text.slice(0, newline).slice(0, FORMAT.length), text.slice(FORMAT.length + 1, newline)];
  const body = text.slice(newline + 1);
  const ignored = (why: string) => ({
    found: false as const,
    note: `ignored the cache record ${join(dir, name)}: ${why}`,
  });
  if (newline < 0 || format !== FORMAT) return ignored("not a record of this jobdef's cache format");
  if (checksum(body) !== sum) return ignored("its checksum does not match (truncated or corrupt)");
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return ignored("not JSON");
  }
  return accept(value) ? { found: true, value } : ignored("not the record expected");
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
  const probe = join(dir, `.tick-${process.pid}-${randomBytes(4).toString("hex")}`);
  const deadline = performance.now() + 50;
  try {
    mkdirSync(dir, { recursive: true });
    for (;;) {
      writeFileSync(probe, "");
      const now = statSync(probe, { bigint: true }).mtimeNs;
      if (times.every((t) => now > t)) return true;
      if (performance.now() > deadline) return false;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  } catch {
    return false;
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
 * Entries by key kept in one record between runs: read on first use (a record of another jobdef's code is not
 * read), written again by `save` when an entry was added or one of the last run's was not asked for (it is dropped).
 */
export class KeptEntries<T> {
  private old: Readonly<Record<string, T>> | undefined;
  private readonly now: Record<string, T> = {};
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
    this.changed = true;
  }

  save(): void {
    const dropped = this.old !== undefined && Object.keys(this.old).length !== Object.keys(this.now).length;
    if (!this.changed && !dropped) return;
    const { cacheDir, name, kind } = this.place;
    writeRecord(cacheDir, name, { kind, code: codeIdentity(), entries: this.now } satisfies EntriesRecord<T>);
  }

  private read(): Readonly<Record<string, T>> {
    const { cacheDir, name, kind } = this.place;
    const accept = (v: unknown): v is EntriesRecord<T> =>
      hasRecordHead(v, kind) &&
      typeof v.entries === "object" &&
      v.entries !== null &&
      Object.values(v.entries).every(this.isEntry);
    const read = readRecord(cacheDir, name, accept);
    if (!read.found && read.note) this.notes.push(read.note);
    return read.found && read.value.code === codeIdentity() ? read.value.entries : {};
  }
}
