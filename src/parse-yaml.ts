/**
 * Part of stage 1, load: one config file's text to its value, with `yaml` only (YAML 1.2 core schema, strictly) and
 * its positions. What `yaml` accepts but a config must not hold is refused here, each at its own position: tags
 * beyond the core ones, keys that are one key once read (`1` and `'1'`), keys that are lists or mappings, integers a
 * double cannot hold exactly, numbers that are not finite, nesting past the limit, aliases to nowhere or to their
 * own anchor, alias bombs, and mappings or lists of more entries than the limit.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseDocument, visit } from "yaml";
import type { ParsedFiles } from "./cache/parsed-files.js";
import { type Diagnostic, error, type Related } from "./diagnostics.js";
import { LIMITS } from "./limits.js";
import { type FileKind, jsKey, SourceFile, YAML_OPTIONS } from "./source.js";
import { rememberSource } from "./source-text.js";
import { isMapping } from "./values.js";

/** Parses YAML text into a SourceFile, or reports why not into `out`. */
export function parseSource(
  path: string,
  kind: FileKind,
  name: string,
  text: string,
  out: Diagnostic[],
  /** Values of files parsed by earlier runs (the CLI's cache). */
  parsed?: ParsedFiles,
): SourceFile | undefined {
  // YAML 1.2 reads a CR alone as a line break, as `yaml` reads CR LF; one for one, so offsets do not move.
  const source = lineBreaksAsLf(text);
  rememberSource(path, source); // what a diagnostic may quote: never read again from disk
  const kept = parsed?.get(path, source);
  // the document is parsed again only if a diagnostic needs a position
  if (kept !== undefined) return new SourceFile(path, kind, name, source, kept);
  const doc = parseDocument(source, YAML_OPTIONS);
  const positions = new SourceFile(path, kind, name, source, undefined, doc);
  const errors = syntaxErrors(doc, positions);
  // an alias is written `*name`: a file without "*" has none to check
  if (!errors.length && source.includes("*")) errors.push(...aliasErrors(doc, positions));
  if (!errors.length) errors.push(...nodeErrors(doc, positions));
  if (errors.length) {
    out.push(...errors);
    return undefined;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: LIMITS.aliases });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    const at = { file: path, line: 1, column: 1 };
    out.push(error("JD005", `too many alias expansions (limit ${LIMITS.aliases}): ${e.message}`, at));
    return undefined;
  }
  if (!isMapping(value)) {
    out.push(notAMapping(value, positions));
    return undefined;
  }
  parsed?.put(path, source, doc, value);
  // the document is not kept (SourceFile): parsed again only if a position inside a value is wanted
  return new SourceFile(path, kind, name, source, value);
}

function lineBreaksAsLf(text: string): string {
  return text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
}

function notAMapping(value: unknown, file: SourceFile): Diagnostic {
  if (value === null || value === undefined)
    return error("JD003", `${file.path} is empty; a ${file.kind} file is a mapping`, {
      file: file.path,
      line: 1,
      column: 1,
    });
  const what = Array.isArray(value) ? "list" : "scalar";
  return error("JD003", `${file.path} is a ${what}; a ${file.kind} file is a mapping`, file.positionOf([]));
}

/** `yaml`'s errors, and its unresolved tags: a warning to `yaml`, never silently a string here. */
function syntaxErrors(doc: Document, file: SourceFile): Diagnostic[] {
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED")];
  return problems.map((e) => {
    if (e.code === "RESOURCE_EXHAUSTION")
      return error("JD006", `nesting too deep to parse (limit ${LIMITS.depth})`, file.at(e.pos[0]));
    const code = e.code === "DUPLICATE_KEY" ? "JD002" : "JD001";
    const message = yamlMessage(e.code, e.message);
    return error(code, message, file.at(errorOffset(file.text, e.code, e.message, e.pos[0])));
  });
}

const CORE_TAGS = "!!str, !!int, !!float, !!bool, !!null, !!map and !!seq";

function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0].replace(/ at line \d+, column \d+.*$/, "");
  if (code === "TAG_RESOLVE_FAILED") {
    const tag = first.replace(/^Unresolved tag: /, "").replace(/^tag:yaml\.org,2002:/, "!!");
    return `tag ${tag} is not allowed (${first}): only YAML's core tags (${CORE_TAGS}) are, so that a value is never read as something else`;
  }
  if (code === "MULTIPLE_DOCS") return "more than one YAML document (a second `---`); a config file holds one";
  const hint =
    code === "BLOCK_AS_IMPLICIT_KEY" || code === "MULTILINE_IMPLICIT_KEY"
      ? " (check the indentation of the lines below)"
      : "";
  return `${first}${hint}`;
}

/** yaml reports an unclosed quote where the input ends; the opening quote is where the reader should look. */
function errorOffset(text: string, code: string, message: string, offset: number): number {
  if (code !== "MISSING_CHAR") return offset;
  const quote = /closing "quote/.test(message) ? '"' : /closing 'quote/.test(message) ? "'" : undefined;
  if (!quote) return offset;
  const open = text.lastIndexOf(quote, Math.min(offset, text.length - 1));
  return open >= 0 ? open : offset;
}

/** Aliases to no anchor, and aliases inside the node they name (a cycle: an infinite value). */
function aliasErrors(doc: Document, file: SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Alias(_key, node, path) {
      const target = node.resolve(doc);
      const at = file.at(node.range?.[0] ?? 0);
      if (!target) out.push(error("JD001", `alias *${node.source} refers to no anchor before it`, at));
      else if (path.includes(target))
        out.push(error("JD005", `alias *${node.source} is inside its own anchor &${node.source}: a cycle`, at));
    },
  });
  return out;
}

/** Integers as a config writes them; beyond 2^53 a double holds them only approximately. */
const INTEGER = /^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;

/**
 * One walk over the document's nodes (iterative: the tree may be arbitrarily deep): nesting, keys and numbers. A
 * node nested too deep is reported and not entered.
 */
function nodeErrors(doc: Document, file: SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack: [unknown, number][] = [[doc.contents, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (isScalar(node)) {
      const problem = numberProblem(node.value, node.source);
      if (problem) out.push(error("JD015", problem, file.at(node.range?.[0] ?? 0)));
    } else if (isMap(node) || isSeq(node)) {
      if (depth >= LIMITS.depth) {
        out.push(error("JD006", `nesting deeper than ${LIMITS.depth} levels`, file.at(node.range?.[0] ?? 0)));
        continue;
      }
      if (node.items.length > LIMITS.entries) {
        const what = isMap(node) ? "mapping has" : "list has";
        const message = `this ${what} ${node.items.length} entries; the limit is ${LIMITS.entries} in one mapping or list`;
        out.push(error("JD067", message, file.at(node.range?.[0] ?? 0)));
        continue;
      }
      if (isMap(node)) out.push(...keyErrors(doc, node.items, file));
      for (const item of node.items) {
        if (isMap(node)) {
          const pair = item as { key: unknown; value: unknown };
          stack.push([pair.key, depth + 1], [pair.value, depth + 1]);
        } else stack.push([item, depth + 1]);
      }
    }
  }
  return out;
}

function numberProblem(value: unknown, source: unknown): string | undefined {
  if (typeof value !== "number") return undefined;
  if (!Number.isFinite(value)) return `${value} is not a finite number`;
  if (Number.isSafeInteger(value) || typeof source !== "string" || !INTEGER.test(source)) return undefined;
  const written = source.length > 40 ? `${source.slice(0, 40)}…` : source;
  return `integer ${written} is beyond ±(2^53 - 1), where a number stops being exact (it would read as ${value}); quote it if a string is meant`;
}

/**
 * Keys of one mapping: scalars, and unique once read (as `yaml`'s toJS names them: `1` and `'1'` are both "1",
 * `null`, `~` and `''` are all ""), so that no value silently replaces another. One pass with a map, not pairwise.
 */
function keyErrors(doc: Document, pairs: readonly { key: unknown }[], file: SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, Node>();
  for (const { key } of pairs) {
    const node = key as Node | null;
    const at = file.at(node?.range?.[0] ?? 0);
    const target = isAlias(node) ? node.resolve(doc) : node;
    if (target && !isScalar(target)) {
      out.push(
        error("JD001", "a mapping key must be a scalar (a string, number, boolean or null), not a list or mapping", at),
      );
      continue;
    }
    const name = jsKey(target?.value ?? null);
    const first = seen.get(name);
    if (!first) {
      seen.set(name, node as Node);
      continue;
    }
    const firstAt = file.at(first.range?.[0] ?? 0);
    const [written, before] = [sourceOf(node, file), sourceOf(first, file)];
    const message =
      written === before
        ? `duplicate key ${written}: keys of a mapping must be unique`
        : `duplicate key ${written}: it reads as the key ${JSON.stringify(name)}, as ${before} at line ${firstAt.line} does; keys of a mapping must be unique`;
    const related: Related[] = [{ ...firstAt, message: `the first ${JSON.stringify(name)} key` }];
    out.push(error("JD002", message, at, related));
  }
  return out;
}

/** A key as written, for messages: printable and short, else quoted. */
function sourceOf(node: Node | null, file: SourceFile): string {
  const range = node?.range;
  const text = range ? file.text.slice(range[0], range[1]) : "";
  if (text === "") return "(an empty key)";
  return /^[\x20-\x7e]{1,60}$/.test(text) ? text : JSON.stringify(text.slice(0, 60));
}
