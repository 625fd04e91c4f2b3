/**
 * Prints diagnostics to stderr: text (with the source line and a caret), JSON, or GitHub workflow commands. Every
 * string from the input is escaped (escape.ts) in every format, and a source line is quoted only from text the
 * tool already read (source-text.ts), at most SOURCE_WINDOW characters of it.
 */
import type { Diagnostic, Related } from "../diagnostics.js";
import { rememberSource, sourceLine } from "../source-text.js";
import { escapeText } from "./escape.js";

export type Format = "text" | "json" | "github";

/** Characters of a source line shown around the caret. */
const SOURCE_WINDOW = 200;
/** Characters of a message shown (a message quoting a huge key or value is cut). */
const MESSAGE_LIMIT = 4000;

export function formatDiagnostics(list: readonly Diagnostic[], format: Format): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(
        list.map((d) => ({
          file: d.file === undefined ? null : escapeText(d.file),
          line: d.line ?? null,
          column: d.column ?? null,
          severity: d.severity,
          code: d.code,
          message: shownMessage(d.message),
          related: (d.related ?? []).map(shownRelated),
        })),
        null,
        2,
      )}\n`;
    case "github":
      return list
        .map((d) => {
          const loc = d.file ? ` file=${escapeProperty(escapeText(d.file))},line=${d.line},col=${d.column}` : "";
          return `::${d.severity}${loc},title=${d.code}::${escapeData(shownMessage(d.message))}\n`;
        })
        .join("");
    case "text":
      return list.map(textOf).join("");
  }
}

function textOf(d: Diagnostic): string {
  const where = d.file ? `${escapeText(d.file)}:${d.line}:${d.column}: ` : "";
  let out = `${where}${d.severity} ${d.code}: ${shownMessage(d.message)}\n`;
  if (d.file && d.line) out += quote(d.file, d.line, d.column ?? 1);
  for (const r of d.related ?? []) {
    const s = shownRelated(r);
    out += `  ${s.file}:${s.line}:${s.column}: ${s.message}\n`;
  }
  return out;
}

/** The source line and a caret under the column, when the line's text was read as input. */
function quote(file: string, line: number, column: number): string {
  const text = sourceLine(file, line);
  if (text === undefined) return "";
  const col = Math.min(Math.max(column - 1, 0), text.length);
  let from = Math.max(0, col - SOURCE_WINDOW / 2);
  if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from--;
  let to = Math.min(text.length, from + SOURCE_WINDOW);
  if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to--;
  const lead = from > 0 ? "…" : "";
  const shown = `${lead}${sourceText(text.slice(from, to))}${to < text.length ? "…" : ""}`;
  const caret = lead.length + sourceText(text.slice(from, col)).length;
  return `  ${String(line).padStart(4)} | ${shown}\n       | ${" ".repeat(caret)}^\n`;
}

function sourceText(s: string): string {
  return escapeText(s.replace(/\t/g, " "));
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function shownMessage(message: string): string {
  const cut = message.length > MESSAGE_LIMIT;
  const text = escapeText(cut ? message.slice(0, MESSAGE_LIMIT) : message);
  return cut ? `${text}… (${message.length - MESSAGE_LIMIT} more characters)` : text;
}

function shownRelated(r: Related): Related {
  return { ...r, file: escapeText(r.file), message: shownMessage(r.message) };
}

/** Text for a pseudo file that is not on disk (e.g. the commit message of `jobdef try`), for the caret display. */
export function provideSource(file: string, text: string): void {
  rememberSource(file, text);
}

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function summary(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === "error").length;
  const warnings = list.length - errors;
  return `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}\n`;
}
