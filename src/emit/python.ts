/**
 * Python twins: a banner comment, then `config = <literal>`. The literal is the JSON twin's text with each token
 * rewritten for Python: `true`/`false`/`null` become `True`/`False`/`None`, and a string stays as it is only when it
 * is printable ASCII without `\u` escapes (JSON's other escapes mean the same in Python 2 and 3); any other string
 * is decoded and written again by `pyString`, code point by code point. The structure is JSON.stringify's own, so no
 * input can end a string early or become code.
 *
 * JSON.stringify with an indent writes one value per line (a newline inside a string is written `\n`), so the work
 * goes line by line: a line whose value is a literal name is rewritten at its end, and only a line holding something
 * other than printable ASCII, or a `\u`, is taken apart token by token. Most lines are copied as they are.
 */
import { textFile } from "./output-file.js";
import { BANNER, jsonText, withBanner } from "./serialize.js";
import type { OutputFile } from "./types.js";

/** `<base>.json` and its Python twin `<base>.py`, holding the same value. */
export function jsonWithPythonTwin(base: string, value: Record<string, unknown>): OutputFile[] {
  const json = jsonText(withBanner(value));
  return [textFile(`${base}.json`, json), textFile(`${base}.py`, `# ${BANNER}\nconfig = ${pythonFromJson(json)}`)];
}

/** A JSON string token, or a JSON literal name (numbers and punctuation read the same in Python). */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|true|false|null/g;
/** A JSON string token Python reads as the same string: printable ASCII (and, checked apart, no `\u` escape). */
const SAME_IN_PYTHON = /^"[\x20-\x7e]*"$/;

/**
 * A literal name ending its line (before a comma, if any): a value, since a line of JSON.stringify's ends in `"`
 * when it ends in a string, in a digit after a number and in `{` or `[` where a value opens.
 */
const LITERAL_AT_END = /(?:true|false|null)(?=,?(?:\n|$))/g;
/**
 * A line holding a character other than printable ASCII, or a `\u` escape. Lines end at `\n` only: not with the `m`
 * flag or `.`, for which U+2028 and U+2029 (written raw by JSON.stringify, inside strings) end lines too.
 */
const UNUSUAL_LINE = /(?<=^|\n)[^\n]*?(?:[^\x20-\x7e\n]|\\u)[^\n]*/g;
const UNUSUAL = /[^\x20-\x7e\n]|\\u/;
const PYTHON_NAME: Readonly<Record<string, string>> = { true: "True", false: "False", null: "None" };

/** JSON text (as JSON.stringify writes it with an indent) as a Python literal of the same value. */
export function pythonFromJson(json: string): string {
  const named = json.replace(LITERAL_AT_END, (name) => PYTHON_NAME[name]);
  return UNUSUAL.test(named) ? named.replace(UNUSUAL_LINE, (line) => line.replace(JSON_TOKEN, pythonToken)) : named;
}

/** One JSON token of a line as Python (the line's literal names are rewritten already, and stay as they are). */
function pythonToken(token: string): string {
  if (token[0] !== '"') return PYTHON_NAME[token];
  return SAME_IN_PYTHON.test(token) && !token.includes("\\u") ? token : pyString(JSON.parse(token) as string);
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
