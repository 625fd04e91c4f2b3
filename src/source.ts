/** One parsed config file: its JS value, and a lazily built index from value paths to source positions. */
import {
  type Document,
  type DocumentOptions,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type ParseOptions,
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

export class SourceFile {
  private index?: Map<string, NodeSpan>;

  constructor(
    /** Path relative to the root, with forward slashes: what diagnostics print. */
    readonly path: string,
    readonly kind: FileKind,
    /** The suite, platform, branch or harness name (`defaults` for defaults.yml). */
    readonly name: string,
    readonly text: string,
    readonly value: unknown,
    /** The parsed document, for positions. */
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

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

  at(offset: number): Position {
    const lp = this.lines.linePos(offset);
    return { file: this.path, line: lp.line, column: lp.col };
  }

  /** The source line (without its end) for a caret display. */
  lineText(line: number): string {
    let start = 0;
    for (let i = 1; i < line; i++) {
      const next = this.text.indexOf("\n", start);
      if (next < 0) return "";
      start = next + 1;
    }
    const end = this.text.indexOf("\n", start);
    return this.text.slice(start, end < 0 ? undefined : end).replace(/\r$/, "");
  }

  private buildIndex(): Map<string, NodeSpan> {
    if (this.index) return this.index;
    const index = new Map<string, NodeSpan>();
    const visit = (node: unknown, path: PathSegment[], key?: readonly [number, number]) => {
      if (!node || typeof node !== "object") return;
      const target = isAlias(node) ? (node.resolve(this.doc!) ?? node) : node;
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
    visit(this.doc.contents, []);
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
