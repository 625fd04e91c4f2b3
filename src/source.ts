/** One parsed config file: its JS value, and a lazily built index from value paths to source positions. */

import { createHash } from "node:crypto";
import {
  type Document,
  type DocumentOptions,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type ParseOptions,
  parseDocument,
  type SchemaOptions,
} from "yaml";
import type { Position } from "./diagnostics.js";

/**
 * How every config file is parsed: YAML 1.2's core schema, strictly, and no other tag (`yaml` would read !!binary,
 * !!set, !!timestamp... too). Keys are checked unique by parse-yaml.ts, as they read once converted and in one pass.
 */
export const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  schema: "core",
  prettyErrors: false,
  uniqueKeys: false,
  resolveKnownTags: false,
  strict: true,
};

/** The property name a mapping key's value becomes, as `yaml`'s toJS names it (null is ""). */
export function jsKey(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

export type FileKind = "defaults" | "harness" | "platform" | "branch" | "suite";
export type PathSegment = string | number;

interface NodeSpan {
  readonly key?: readonly [number, number];
  readonly value: readonly [number, number];
}

/** What a cache keys a config file's content by: the sha256 of its path and text (32 hex digits). */
export function sourceDigest(path: string, text: string): string {
  return createHash("sha256").update(`${path}\0${text.length}\0`).update(text).digest("hex").slice(0, 32);
}

/**
 * A parsed file keeps its text and value, not `yaml`'s document: that is tens of times the text, and a tree of
 * 20,000 files kept them all alive for positions almost never asked for. The document is parsed again from the same
 * text the first time a position inside a value is wanted (a diagnostic), with the same options, so its ranges are
 * the ones the first parse had.
 */
export class SourceFile {
  private index?: Map<string, NodeSpan>;
  /** Offsets where each line starts, computed when a position is first wanted. */
  private starts?: number[];
  private digestOfText?: string;

  constructor(
    /** Path relative to the root, with forward slashes: what diagnostics print. */
    readonly path: string,
    readonly kind: FileKind,
    /** The suite, platform, branch or harness name (`defaults` for defaults.yml). */
    readonly name: string,
    readonly text: string,
    readonly value: unknown,
    /** The parsed document while it is at hand (the loader's checks); parsed again from `text` when it is not. */
    private doc?: Document,
  ) {}

  /** `sourceDigest` of this file, computed once. */
  get digest(): string {
    this.digestOfText ??= sourceDigest(this.path, this.text);
    return this.digestOfText;
  }

  /** Position of the value at `path` (or of its key, when `onKey`); the nearest existing ancestor when absent. */
  positionOf(path: readonly PathSegment[], onKey = false): Position {
    const index = this.buildIndex();
    for (let n = path.length; n >= 0; n--) {
      const span = index.get(pathKey(path.slice(0, n)));
      if (!span) continue;
      const offset = onKey && n === path.length && span.key ? span.key[0] : span.value[0];
      return this.at(offset);
    }
    return { file: this.path, line: 1, column: 1 };
  }

  /** The source text of the scalar at `path` as written (`0x10`, `1e3`), when it is one short line. */
  writtenAt(path: readonly PathSegment[]): string | undefined {
    const span = this.buildIndex().get(pathKey(path));
    if (!span) return undefined;
    const text = this.text.slice(span.value[0], span.value[1]).trim();
    return text && text.length <= 80 && !/[\n\r]/.test(text) ? text : undefined;
  }

  /** Line and column (1-based) of an offset in the text, as `yaml`'s LineCounter gives them. */
  at(offset: number): Position {
    if (!this.starts) {
      this.starts = [0];
      for (let i = this.text.indexOf("\n"); i >= 0; i = this.text.indexOf("\n", i + 1)) this.starts.push(i + 1);
    }
    let [low, high] = [0, this.starts.length];
    while (low + 1 < high) {
      const mid = (low + high) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid;
    }
    return { file: this.path, line: low + 1, column: offset - this.starts[low] + 1 };
  }

  private buildIndex(): Map<string, NodeSpan> {
    if (this.index) return this.index;
    const index = new Map<string, NodeSpan>();
    const doc = this.doc ?? parseDocument(this.text, YAML_OPTIONS);
    const visit = (node: unknown, path: PathSegment[], key?: readonly [number, number]) => {
      if (!node || typeof node !== "object") return;
      const target = isAlias(node) ? (node.resolve(doc) ?? node) : node;
      const range = (node as Node).range;
      if (range) index.set(pathKey(path), { key, value: [range[0], range[1]] });
      if (isAlias(node)) return; // positions inside an alias point at the anchor's values: not indexed twice
      if (isMap(target)) {
        for (const item of target.items) {
          if (!isPair(item)) continue;
          const k = isScalar(item.key) ? jsKey(item.key.value) : String(item.key);
          const kr = (item.key as Node | null)?.range;
          visit(item.value, [...path, k], kr ? [kr[0], kr[1]] : undefined);
          if (!item.value && kr) index.set(pathKey([...path, k]), { key: [kr[0], kr[1]], value: [kr[0], kr[1]] });
        }
      } else if (isSeq(target)) {
        for (let i = 0; i < target.items.length; i++) visit(target.items[i], [...path, i]);
      }
    };
    visit(doc.contents, []);
    this.index = index;
    return index;
  }
}

export function pathKey(path: readonly PathSegment[]): string {
  return path.join("\u0000");
}

/** `a.b[2]` for messages. */
export function formatPath(path: readonly PathSegment[], root = "the top level"): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || root;
}
