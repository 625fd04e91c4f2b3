/**
 * Parsed config files between runs: a file's value under the sha256 of its path and text, for files that parsed
 * without a diagnostic, hold no alias and whose value JSON gives back exactly (deep-equal, prototypes included). A
 * file read back is not parsed again unless a diagnostic needs its positions (src/source.ts parses it then: the same
 * document as the first time). One checksummed record per tree (store.ts), written again when a file changed.
 *
 * Beside the values, which files passed their own checks (their schema and, for a job layer, check-layer.ts) without
 * a diagnostic: those checks read nothing but the file's value and jobdef's vocabulary, which the key and the record's
 * code identity cover, so such a file is not checked again. Checks across files (the semantic rules) always run.
 */
import { resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { type Document, visit } from "yaml";
import { type SourceFile, sourceDigest } from "../source.js";
import type { CheckedFiles } from "../validate.js";
import { KeptEntries, recordName } from "./store.js";

const isFileValue = (f: unknown): f is Record<string, unknown> =>
  typeof f === "object" && f !== null && !Array.isArray(f);

export class ParsedFiles implements CheckedFiles {
  private readonly kept: KeptEntries<Record<string, unknown>>;
  private readonly checked: KeptEntries<true>;
  readonly notes: string[] = [];

  constructor(cacheDir: string, root: string) {
    const place = { cacheDir, name: recordName("parsed", resolve(root)), kind: "parsed" };
    this.kept = new KeptEntries(place, isFileValue, this.notes);
    const checkedPlace = { cacheDir, name: recordName("checked", resolve(root)), kind: "checked" };
    this.checked = new KeptEntries(checkedPlace, (v): v is true => v === true, this.notes);
  }

  /** How many files were not checked again. */
  get passedBefore(): number {
    return this.checked.reused;
  }

  /** Whether this very file (path and text) passed its own checks in an earlier run. */
  passed(file: SourceFile): boolean {
    return this.checked.get(file.digest) === true;
  }

  /** Records that the file passed its own checks without a diagnostic. */
  pass(file: SourceFile): void {
    this.checked.put(file.digest, true);
  }

  get reused(): number {
    return this.kept.reused;
  }

  /** The value of the file `path` with this text, as kept; undefined when it must be parsed. */
  get(path: string, text: string): unknown {
    return this.kept.get(sourceDigest(path, text));
  }

  /** Keeps a file parsed without diagnostics, when its value can be read back exactly. */
  put(path: string, text: string, doc: Document, value: unknown): void {
    if (hasAlias(doc) || !isFileValue(value) || !isDeepStrictEqual(JSON.parse(JSON.stringify(value)), value)) return;
    this.kept.put(sourceDigest(path, text), value);
  }

  save(): void {
    this.kept.save();
    this.checked.save();
  }
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
