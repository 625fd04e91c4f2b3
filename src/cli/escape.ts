/**
 * Text from the input (names, keys, values, a try message, a file name) made safe to print: control characters,
 * line and paragraph separators, bidirectional overrides and lone surrogates are written as `\n`, `\x1b`, `\u202e`,
 * so no input can start a line of its own (a forged diagnostic, a GitHub `::error` command) or drive a terminal.
 */

/** What is escaped: C0 and C1 controls, DEL, U+2028/9, bidi marks and overrides, lone surrogates. */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
  /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** The same, except a newline: for text of several lines (help, a diff). */
const UNSAFE_IN_LINES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
  /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** One line: every unsafe character escaped, a newline too. */
export function escapeText(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** Lines kept as lines; every other unsafe character escaped. */
export function escapeLines(s: string): string {
  return s.replace(UNSAFE_IN_LINES, escapeChar);
}

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}
