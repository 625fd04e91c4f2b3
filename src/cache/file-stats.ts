/**
 * A file known by its stat: the size, modification and change times (ns) and inode taken before it was read, with
 * the sha256 of what was read (git's index does the same). Whoever finds the same stat again knows the hash without
 * reading the file. Times have a granularity (a few ms on ext4), so an entry is kept only for a file last changed
 * before a given moment of the file system's clock (each record says which), after which any change gives it another
 * stat.
 */
import type { BigIntStats } from "node:fs";

/** [size, mtimeNs, ctimeNs, ino]: what tells a file's content changed without reading it. */
export type FileStat = readonly [number, string, string, number];

/** [size, mtimeNs, ctimeNs, ino, sha256]. */
export type FileEntry = readonly [...FileStat, string];

export function isFileEntry(v: unknown): v is FileEntry {
  return (
    Array.isArray(v) &&
    v.length === 5 &&
    typeof v[0] === "number" &&
    typeof v[1] === "string" &&
    typeof v[2] === "string" &&
    typeof v[3] === "number" &&
    typeof v[4] === "string"
  );
}

export function statOf(stat: BigIntStats): FileStat {
  return [Number(stat.size), String(stat.mtimeNs), String(stat.ctimeNs), Number(stat.ino)];
}

export function fileEntry(stat: BigIntStats, hash: string): FileEntry {
  return [...statOf(stat), hash];
}

/** Whether `s` is the stat `e` names (a FileStat, or a FileEntry's first four fields). */
export function sameStat(s: BigIntStats, e: FileStat | FileEntry): boolean {
  return Number(s.size) === e[0] && String(s.mtimeNs) === e[1] && String(s.ctimeNs) === e[2] && Number(s.ino) === e[3];
}

/** Whether the file of `stat` was last changed before `fsNow` (ns of the file system's clock). */
export function settledBefore(stat: BigIntStats, fsNow: bigint): boolean {
  return stat.mtimeNs < fsNow && stat.ctimeNs < fsNow;
}
