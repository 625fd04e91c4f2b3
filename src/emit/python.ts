/**
 * Python twins: a banner comment, then `config = <literal>`, written from the value itself (never by editing JSON
 * text): mappings, lists, `True`/`False`/`None`, numbers as JSON writes them, and every string as an ASCII-only
 * double-quoted literal that Python 2.7 (the mozharness of 2015) and Python 3 read as the same text. Whatever a
 * string holds, it stays inside its quotes: the file is one literal assignment, never code. The layout is
 * JSON.stringify's with an indent of 2, so a twin lines up with its JSON file.
 */
import { textFile } from "./output-file.js";
import { BANNER, jsonText, withBanner } from "./serialize.js";
import type { OutputFile } from "./types.js";

/** `<base>.json` and its Python twin `<base>.py`, holding the same value (serialised when first read). */
export function jsonWithPythonTwin(base: string, value: Record<string, unknown>): OutputFile[] {
  let sorted: unknown;
  const sortedValue = () => {
    sorted ??= withBanner(value);
    return sorted;
  };
  return [
    textFile(`${base}.json`, () => jsonText(sortedValue())),
    textFile(`${base}.py`, () => `# ${BANNER}\nconfig = ${pythonLiteral(sortedValue())}\n`),
  ];
}

/**
 * A JSON value as a Python literal of the same value, laid out as `JSON.stringify(value, null, 2)` lays it out.
 * Values JSON leaves out are left out the same way (`undefined` in a mapping; a non-finite number is None). `depth`:
 * the literal's place in a larger one (its inner lines indented to sit there).
 */
export function pythonLiteral(value: unknown, depth = 0): string {
  const writer = new LiteralWriter();
  writer.value(value, depth);
  return writer.text();
}

/**
 * Writes the literal's bytes (ASCII only: every other character is escaped) into one growing buffer: building it
 * from small strings instead cost 4x as much, most of it in garbage collection (20 MiB of twins at 50k jobs).
 */
class LiteralWriter {
  private buf = Buffer.allocUnsafe(1 << 16);
  private pos = 0;

  text(): string {
    return this.buf.toString("latin1", 0, this.pos);
  }

  value(value: unknown, depth: number): void {
    if (typeof value === "string") this.string(value);
    else if (typeof value === "number") this.ascii(Number.isFinite(value) ? JSON.stringify(value) : "None");
    else if (typeof value === "boolean") this.ascii(value ? "True" : "False");
    else if (Array.isArray(value)) this.list(value, depth);
    else if (value !== null && typeof value === "object") this.mapping(value as Record<string, unknown>, depth);
    else this.ascii("None"); // null; undefined, a function or a symbol in a list, which JSON writes as null
  }

  private list(list: readonly unknown[], depth: number): void {
    if (!list.length) {
      this.ascii("[]");
      return;
    }
    this.ascii("[");
    for (let i = 0; i < list.length; i++) {
      if (i) this.ascii(",");
      this.newline(depth + 1);
      this.value(list[i], depth + 1);
    }
    this.newline(depth);
    this.ascii("]");
  }

  private mapping(mapping: Record<string, unknown>, depth: number): void {
    let first = true;
    for (const key of Object.keys(mapping)) {
      const v = mapping[key];
      if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
      this.ascii(first ? "{" : ",");
      this.newline(depth + 1);
      this.string(key);
      this.ascii(": ");
      this.value(v, depth + 1);
      first = false;
    }
    if (first) this.ascii("{}");
    else {
      this.newline(depth);
      this.ascii("}");
    }
  }

  private string(s: string): void {
    this.ascii(PLAIN.test(s) ? `"${s}"` : pyString(s));
  }

  private newline(depth: number): void {
    this.room(2 * depth + 1);
    this.buf[this.pos++] = 0x0a;
    this.buf.fill(0x20, this.pos, this.pos + 2 * depth);
    this.pos += 2 * depth;
  }

  /** `s` holds ASCII only. */
  private ascii(s: string): void {
    this.room(s.length);
    if (s.length < 16) for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
    else this.pos += this.buf.write(s, this.pos, "latin1");
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/** Printable ASCII without `"` or `\\`: written as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * A double-quoted str literal, ASCII-only, every other character escaped; `u`-prefixed when it has `\\u`/`\\U`
 * escapes, so Python 2.7 reads the same text as Python 3 (without the prefix, 2.7 would read `\\u` as two letters).
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
      out += `\\U${hex(s.codePointAt(i)!, 8)}`;
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
