/**
 * What this machine last knew of a generated directory: which jobdef code wrote or verified it, the manifest it
 * holds, and each file's stat with its hash, so that a file whose stat is unchanged need not be read again to be
 * known (git's index does the same). A record only ever spares reading a file; a file whose size, modification or
 * change time or inode differs from its entry is read and hashed. File times have a granularity (a few ms on ext4,
 * seconds elsewhere), so a file changed in the same tick as its entry was taken would keep its stat: as git does with
 * "racily clean" entries, a file modified or changed no earlier than the record's own file is left out of the record
 * (and read next time).
 */
import { createHash } from "node:crypto";
import { type BigIntStats, closeSync, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { type FileEntry, fileEntry, isFileEntry, sameStat, settledBefore } from "./file-stats.js";
import { hasRecordHead, type Read, readRecord, recordName, waitForClockPast, writeRecord } from "./store.js";

export interface OutputRecord {
  readonly kind: "outputs";
  readonly dir: string;
  /** `codeIdentity()` of the jobdef that wrote or verified the directory. */
  readonly code: string;
  /** sha256 of the manifest's bytes. */
  readonly manifest: string;
  /** path → [size, mtimeNs, ctimeNs, ino, sha256]. */
  readonly files: Readonly<Record<string, FileEntry>>;
}

function isOutputRecord(v: unknown): v is OutputRecord {
  const r = v as OutputRecord;
  return (
    hasRecordHead(v, "outputs") &&
    typeof r.dir === "string" &&
    typeof r.manifest === "string" &&
    typeof r.files === "object" &&
    r.files !== null &&
    Object.values(r.files).every(isFileEntry)
  );
}

export function readOutputRecord(cacheDir: string, dir: string): Read<OutputRecord> {
  const read = readRecord(cacheDir, recordName("outputs", resolve(dir)), isOutputRecord);
  return read.found && read.value.dir !== resolve(dir) ? { found: false } : read;
}

/**
 * Records `files` (path → hash, all present in `dir`) as written or verified by `code` under `manifest`. `seen` are
 * the stats taken before each file was read for its hash (a file changed while it was read then has another stat);
 * files not in it are stat'ed now. `written`: the files were just written by this process, which holds the lock.
 */
export function writeOutputRecord(
  cacheDir: string,
  dir: string,
  code: string,
  manifest: string,
  files: Readonly<Record<string, string>>,
  seen: ReadonlyMap<string, BigIntStats> = new Map(),
  written = false,
): void {
  const statOf = (path: string) => statSync(`${dir}/${path}`, { bigint: true, throwIfNoEntry: false });
  let stats = Object.entries(files).map(([path, hash]) => [path, hash, seen.get(path) ?? statOf(path)] as const);
  // Files this compile just wrote (under the lock, which the caller holds): once the clock has moved past their
  // times, a stat taken now tells any later edit, so they need not wait for the next run to be recorded.
  if (written) {
    const times = stats.flatMap(([, , stat]) => (stat ? [stat.mtimeNs, stat.ctimeNs] : []));
    if (waitForClockPast(cacheDir, times)) stats = stats.map(([path, hash]) => [path, hash, statOf(path)] as const);
  }
  writeRecord(cacheDir, recordName("outputs", resolve(dir)), (fsNow: bigint): OutputRecord => {
    const entries: Record<string, FileEntry> = {};
    for (const [path, hash, stat] of stats) {
      if (stat && settledBefore(stat, fsNow)) entries[path] = fileEntry(stat, hash);
    }
    return { kind: "outputs", dir: resolve(dir), code, manifest, files: entries };
  });
}

/** The sha256 of the file at `path` when the record knows it from an unchanged stat, without reading it. */
export function recordedHash(path: string, entry: FileEntry | undefined): string | undefined {
  if (!entry) return undefined;
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
  return stat && sameStat(stat, entry) ? entry[4] : undefined;
}

/** A file's sha256 and its stat taken before reading: the hash from the record when the stat is the recorded one. */
export function hashOnDisk(
  path: string,
  entry: FileEntry | undefined,
): { hash: string; read: boolean; stat: BigIntStats } {
  const stat = statSync(path, { bigint: true });
  if (entry && sameStat(stat, entry)) return { hash: entry[4], read: false, stat };
  return { hash: hashFileBytes(path), read: true, stat };
}

const CHUNK = 1 << 20;

function hashFileBytes(path: string): string {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null))
      hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}
