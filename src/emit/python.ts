/**
 * Python twins: a banner comment, then `config = <literal>`. Only literals are written (dicts, lists, strings,
 * numbers, True/False/None), and every string is escaped code point by code point, so no input can end a
 * string early or become code.
 */
import { BANNER, canonical } from "./serialize.js";

/** A Python source file whose `config` equals the JSON value of `value`. */
export function toPythonModule(value: Record<string, unknown>): string {
  return `# ${BANNER}\nconfig = ${pyLiteral(canonical({ $generated: BANNER, ...value }), "")}\n`;
}

/** The Python literal of a JSON-like value. */
export function pyLiteral(v: unknown, indent: string): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`cannot write non-finite number ${v} to Python`);
    return JSON.stringify(v);
  }
  if (typeof v === "string") return pyString(v);
  const inner = `${indent}    `;
  if (Array.isArray(v)) {
    if (!v.length) return "[]";
    return `[\n${v.map((x) => `${inner}${pyLiteral(x, inner)},\n`).join("")}${indent}]`;
  }
  const keys = Object.keys(v as object);
  if (!keys.length) return "{}";
  return `{\n${keys.map((k) => `${inner}${pyString(k)}: ${pyLiteral((v as Record<string, unknown>)[k], inner)},\n`).join("")}${indent}}`;
}

/**
 * A double-quoted str literal, ASCII-only, every other character escaped; `u`-prefixed when it has `\\u`/`\\U`
 * escapes, so Python 2.7 (mozharness of 2015) reads the same text as Python 3.
 */
export function pyString(s: string): string {
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
