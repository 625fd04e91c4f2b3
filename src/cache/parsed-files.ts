/**
 * Parsed config files between runs: a file's value under the sha256 of its path and text, for files that parsed
 * without a diagnostic, hold no alias and whose value JSON gives back exactly (deep-equal, prototypes included). A
 * file read back is not parsed again unless a diagnostic needs its positions (src/source.ts parses it then: the same
 * document as the first time). One checksummed record per tree (store.ts), written again when a file changed.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { type Document, visit } from "yaml";
import { codeIdentity } from "../version.js";
import { readRecord, writeRecord } from "./store.js";

interface ParsedRecord {
  readonly kind: "parsed";
  readonly code: string;
  readonly files: Readonly<Record<string, unknown>>;
}

function isParsedRecord(v: unknown): v is ParsedRecord {
  const r = v as ParsedRecord;
  return (
    typeof r === "object" &&
    r !== null &&
    r.kind === "parsed" &&
    typeof r.code === "string" &&
    typeof r.files === "object" &&
    r.files !== null &&
    Object.values(r.files).every((f) => typeof f === "object" && f !== null && !Array.isArray(f))
  );
}

export class ParsedFiles {
  private old: Readonly<Record<string, unknown>> | undefined;
  private readonly now: Record<string, unknown> = {};
  private changed = false;
  readonly notes: string[] = [];
  reused = 0;

  constructor(
    private readonly cacheDir: string,
    private readonly root: string,
  ) {}

  private get name(): string {
    return `parsed-${createHash("sha256").update(resolve(this.root)).digest("hex").slice(0, 16)}.json`;
  }

  /** The value of the file `path` with this text, as kept; undefined when it must be parsed. */
  get(path: string, text: string): unknown {
    if (this.old === undefined) {
      const read = readRecord(this.cacheDir, this.name, isParsedRecord);
      if (!read.found && read.note) this.notes.push(read.note);
      this.old = read.found && read.value.code === codeIdentity() ? read.value.files : {};
    }
    const key = keyOf(path, text);
    if (!Object.hasOwn(this.old, key)) return undefined;
    this.now[key] = this.old[key];
    this.reused++;
    return this.old[key];
  }

  /** Keeps a file parsed without diagnostics, when its value can be read back exactly. */
  put(path: string, text: string, doc: Document, value: unknown): void {
    if (hasAlias(doc) || !isDeepStrictEqual(JSON.parse(JSON.stringify(value)), value)) return;
    this.now[keyOf(path, text)] = value;
    this.changed = true;
  }

  save(): void {
    const dropped = this.old !== undefined && Object.keys(this.old).length !== Object.keys(this.now).length;
    if (this.changed || dropped)
      writeRecord(this.cacheDir, this.name, { kind: "parsed", code: codeIdentity(), files: this.now });
  }
}

function keyOf(path: string, text: string): string {
  return createHash("sha256").update(`${path}\0${text.length}\0`).update(text).digest("hex").slice(0, 32);
}

/** An alias shares one value between places, which JSON would copy apart. */
function hasAlias(doc: Document): boolean {
  let found = false;
  visit(doc, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}
