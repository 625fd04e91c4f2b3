/** Prints diagnostics to stderr: text (with the source line and a caret), JSON, or GitHub workflow commands. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic } from "../diagnostics.js";

export type Format = "text" | "json" | "github";

export function formatDiagnostics(list: readonly Diagnostic[], format: Format, root: string): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(
        list.map((d) => ({
          file: d.file ?? null,
          line: d.line ?? null,
          column: d.column ?? null,
          severity: d.severity,
          code: d.code,
          message: d.message,
          related: d.related ?? [],
        })),
        null,
        2,
      )}\n`;
    case "github":
      return list
        .map((d) => {
          const loc = d.file ? ` file=${escapeProperty(d.file)},line=${d.line},col=${d.column}` : "";
          return `::${d.severity}${loc},title=${d.code}::${escapeData(d.message)}\n`;
        })
        .join("");
    case "text": {
      // read once per printing, not kept: `compile --watch` prints again after the files change
      const lines = new Map<string, string[] | null>();
      return list.map((d) => textOf(d, root, lines)).join("");
    }
  }
}

function textOf(d: Diagnostic, root: string, lines: Map<string, string[] | null>): string {
  const where = d.file ? `${d.file}:${d.line}:${d.column}: ` : "";
  let out = `${where}${d.severity} ${d.code}: ${d.message}\n`;
  if (d.file && d.line) {
    const line = sourceLine(root, d.file, d.line, lines);
    if (line !== undefined) {
      const shown = line.replace(/\t/g, " ");
      out += `  ${String(d.line).padStart(4)} | ${shown}\n       | ${" ".repeat(Math.max(0, (d.column ?? 1) - 1))}^\n`;
    }
  }
  for (const r of d.related ?? []) out += `  ${r.file}:${r.line}:${r.column}: ${r.message}\n`;
  return out;
}

/** Pseudo files that are not on disk (e.g. the commit message of `jobdef try`), for the caret display. */
const provided = new Map<string, string[]>();

/** Text for a pseudo file, shown as a file's lines would be. */
export function provideSource(file: string, text: string): void {
  provided.set(file, text.split(/\r?\n/));
}

function sourceLine(root: string, file: string, line: number, lines: Map<string, string[] | null>): string | undefined {
  if (!lines.has(file)) {
    try {
      lines.set(file, provided.get(file) ?? readFileSync(join(root, file), "utf8").split(/\r?\n/));
    } catch {
      lines.set(file, null);
    }
  }
  const text = lines.get(file)?.[line - 1];
  return text === undefined ? undefined : text.length > 200 ? `${text.slice(0, 200)}…` : text;
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
