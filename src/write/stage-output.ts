/**
 * Stages one output file from its stream of bytes, hashing it and comparing it with the file it replaces as it
 * goes. The staged copy is written only from the first difference on (the equal prefix copied from the old file), so
 * an unchanged file, the usual case of a recompile, costs a read and a hash but no write.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readSync } from "node:fs";
import { dirname } from "node:path";
import { type OutputFile, PIECE } from "../emit/output-file.js";
import { digestFile } from "./file-comparison.js";
import { stagedPath, writeAll } from "./journal.js";

export interface StagedOutput {
  readonly hash: string;
  /** Whether the file was staged (it replaces the old one at the commit). */
  readonly staged: boolean;
}

/**
 * Streams `file` and stages it when its bytes differ from `current`'s, or when `keep(hash, same)` asks for it
 * although they do not (the old manifest lists another hash: the disk was edited to match by hand).
 */
export function stageOutput(
  stage: string,
  file: OutputFile,
  current: string,
  keep: (hash: string, same: boolean) => boolean,
): StagedOutput {
  const target = stagedPath(stage, file.path);
  let fd: number | undefined;
  try {
    const { hash, same, length } = digestFile(file, current, (bytes, before, sameSoFar) => {
      if (fd === undefined && !sameSoFar) fd = openStaged(target, current, before);
      if (fd !== undefined) writeAll(fd, bytes);
    });
    if (fd === undefined && keep(hash, same)) fd = openStaged(target, current, length);
    if (fd !== undefined) fsyncSync(fd);
    return { hash, staged: fd !== undefined };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Creates the staged file holding the first `length` bytes of `current` (equal to the new content so far). */
function openStaged(target: string, current: string, length: number): number {
  mkdirSync(dirname(target), { recursive: true });
  const fd = openSync(target, "wx");
  if (length === 0) return fd;
  const buffer = Buffer.allocUnsafe(Math.min(length, PIECE));
  const from = openSync(current, "r");
  try {
    for (let pos = 0; pos < length; ) {
      const n = readSync(from, buffer, 0, Math.min(buffer.length, length - pos), pos);
      if (n === 0) throw new Error(`${current} changed while it was compared`);
      writeAll(fd, buffer.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(from);
  }
  return fd;
}
