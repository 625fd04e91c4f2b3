/**
 * What this machine last knew of a tree's input files (`src/inputs.ts`): each one's stat with its sha256, so that
 * the up-to-date proof reads only the files whose stat changed, as the output record does for the output. The file
 * system's clock is taken before the first file is read, and a file read in the run is recorded only when it was
 * last changed before that moment: a change after it was read gives it another stat.
 */
import type { BigIntStats } from "node:fs";
import { resolve } from "node:path";
import type { KnownInputs } from "../inputs.js";
import { type FileEntry, fileEntry, isFileEntry, sameStat, settledBefore } from "./file-stats.js";
import { fileSystemNow, readRecord, recordName, writeRecord } from "./store.js";

interface InputsRecord {
  readonly kind: "inputs";
  readonly root: string;
  readonly files: Readonly<Record<string, FileEntry>>;
}

function isInputsRecord(v: unknown): v is InputsRecord {
  const r = v as InputsRecord;
  return (
    typeof r === "object" &&
    r !== null &&
    r.kind === "inputs" &&
    typeof r.root === "string" &&
    typeof r.files === "object" &&
    r.files !== null &&
    Object.values(r.files).every(isFileEntry)
  );
}

export class InputRecord implements KnownInputs {
  private readonly name: string;
  private readonly old: Readonly<Record<string, FileEntry>>;
  private readonly now: Record<string, FileEntry> = {};
  /** The file system's clock before the first read of this run; null when it could not be taken (no cache yet). */
  private clock: bigint | null | undefined;
  private changed = false;
  readonly notes: string[] = [];

  constructor(
    private readonly cacheDir: string,
    private readonly root: string,
  ) {
    this.name = recordName("inputs", resolve(root));
    const read = readRecord(cacheDir, this.name, isInputsRecord);
    if (!read.found && read.note) this.notes.push(read.note);
    this.old = read.found && read.value.root === resolve(root) ? read.value.files : {};
  }

  /** The recorded hash of `path` when its stat is the recorded one; else undefined, and the caller reads it next. */
  hashOf(path: string, stat: BigIntStats): string | undefined {
    const entry = Object.hasOwn(this.old, path) ? this.old[path] : undefined;
    if (entry && sameStat(stat, entry)) {
      this.now[path] = entry;
      return entry[4];
    }
    this.clock ??= fileSystemNow(this.cacheDir) ?? null;
    return undefined;
  }

  read(path: string, stat: BigIntStats, hash: string): void {
    this.changed = true;
    if (this.clock && settledBefore(stat, this.clock)) this.now[path] = fileEntry(stat, hash);
  }

  /** Writes the record when a file was read or one recorded is gone. */
  save(): void {
    if (!this.changed && Object.keys(this.now).length === Object.keys(this.old).length) return;
    writeRecord(this.cacheDir, this.name, { kind: "inputs", root: resolve(this.root), files: this.now });
  }
}
