/**
 * Python twins: a banner comment, then `config = <literal>`. Only literals are written (dicts, lists, strings,
 * numbers, True/False/None), and every string is escaped code point by code point, so no input can end a
 * string early or become code.
 */
import { textFile } from "./output-file.js";
import { BANNER, jsonText, withBanner } from "./serialize.js";
import type { OutputFile } from "./types.js";

/** `<base>.json` and its Python twin `<base>.py`, holding the same value (keys sorted once for both). */
export function jsonWithPythonTwin(base: string, value: Record<string, unknown>): OutputFile[] {
  const sorted = withBanner(value);
  return [
    textFile(`${base}.json`, jsonText(sorted)),
    textFile(`${base}.py`, `# ${BANNER}\nconfig = ${pyLiteral(sorted, "")}\n`),
  ];
}

/** The Python literal of a JSON-like value. */
export function pyLiteral(v: unknown, indent: string): string {
  const out: string[] = [];
  writeLiteral(v, indent, out);
  return out.join("");
}

/** Appends the pieces of `v`'s literal to `out` (one join at the end: no string per nesting level). */
function writeLiteral(v: unknown, indent: string, out: string[]): void {
  if (v === null || v === undefined) out.push("None");
  else if (v === true) out.push("True");
  else if (v === false) out.push("False");
  else if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`cannot write non-finite number ${v} to Python`);
    out.push(JSON.stringify(v));
  } else if (typeof v === "string") out.push(pyString(v));
  else writeCollection(v as object, indent, out);
}

/** A list, one item per line, or a dict, one `key: value` per line; each line ends with a comma. */
function writeCollection(v: object, indent: string, out: string[]): void {
  const list = Array.isArray(v) ? (v as unknown[]) : undefined;
  const keys = list ? undefined : Object.keys(v);
  const size = list ? list.length : keys!.length;
  if (!size) {
    out.push(list ? "[]" : "{}");
    return;
  }
  const inner = `${indent}    `;
  out.push(list ? "[\n" : "{\n");
  for (let i = 0; i < size; i++) {
    out.push(inner);
    if (keys) out.push(pyString(keys[i]), ": ");
    writeLiteral(list ? list[i] : (v as Record<string, unknown>)[keys![i]], inner, out);
    out.push(",\n");
  }
  out.push(indent, list ? "]" : "}");
}

/** Printable ASCII without `"` or `\\`: written as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * A double-quoted str literal, ASCII-only, every other character escaped; `u`-prefixed when it has `\\u`/`\\U`
 * escapes, so Python 2.7 (mozharness of 2015) reads the same text as Python 3.
 */
export function pyString(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`;
  let out = '"';
  let unicode = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) out += "\\\\";
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex(c, 2)}`;
    else if (c < 0x7f) out += s[i];
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      const cp = s.codePointAt(i)!;
      out += `\\U${hex(cp, 8)}`;
      unicode = true;
      i++;
    } else {
      out += `\\u${hex(c, 4)}`; // BMP, or a lone surrogate (valid in a Python str literal)
      unicode = true;
    }
  }
  return `${unicode ? "u" : ""}${out}"`;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}
