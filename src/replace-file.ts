/**
 * A file replaced whole or not at all: written as a temporary sibling, then renamed over the file in one step, so a
 * reader, or a concurrent writer, sees the old file or one writer's new one, never a mix.
 */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Replaces `path` with what `write` puts in the temporary file it is given; a throw leaves `path` as it was. */
export function replaceFile(path: string, write: (tmp: string) => void): void {
  // threads of one process share the pid, hence the random part
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    write(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeFileAtomic(path: string, text: string): void {
  replaceFile(path, (tmp) => writeFileSync(tmp, text));
}
