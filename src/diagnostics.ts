/** Diagnostics are data: collected by every stage, sorted and printed only by the CLI. */
import { byCodePoint } from "./values.js";

export type Severity = "error" | "warning";

/** Where a contributing value came from (CUE-style: a message, then every position involved). */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface Related extends Position {
  readonly message: string;
}

export interface Diagnostic {
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly related?: readonly Related[];
}

/** Every diagnostic code, with the one-line meaning shown in the README. */
export const CODES = {
  JD001: "YAML syntax error",
  JD002: "duplicate key",
  JD003: "a config file must be a mapping",
  JD004: "file larger than the size limit",
  JD005: "too many aliases (possible alias bomb)",
  JD006: "nesting deeper than the limit",
  JD007: "file is not valid UTF-8",
  JD008: "file unreadable, a symlink leaving the root, or not a regular file",
  JD009: "a configs directory is missing",
  JD010: "wrong type",
  JD011: "unknown key",
  JD012: "missing required key",
  JD013: "value not allowed (range, enum, pattern or format)",
  JD014: "bad file name",
  JD015: "invalid value",
  JD020: "unknown reference",
  JD021: "invalid regular expression",
  JD022: "pattern never matches",
  JD023: "unknown keyed-by attribute",
  JD030: "no keyed-by arm matches",
  JD031: "more than one keyed-by arm matches",
  JD032: "merge operator used on the wrong kind of value",
  JD033: "$remove of an item that is not there",
  JD034: "chunks must be at least 1",
  JD035: "merged job is incomplete or invalid",
  JD040: "two jobs have the same label",
  JD041: "two jobs have the same Treeherder symbol on one machine and build type",
  JD042: "conflicting mozharness suite definitions",
  JD043: "too many jobs",
  JD044: "conflicting mach suite definitions",
  JD045: "two suites give one buildbot builder name",
  JD046: "unknown mach keyword argument for the harness",
  JD047: "a platform runs other suites than its sibling, by a run-on pattern",
  JD050: "bad --set argument",
  JD060: "bad try syntax",
  JD061: "unknown label",
  JD062: "bad revision or root",
  JD063: "cannot write the output directory",
  JD064: "cannot import",
  JD065: "imported with a loss: review the draft",
  JD066: "too many config files",
  JD067: "too many entries in one mapping or list",
  JD068: "output larger than the limit",
  JD069: "config files together larger than the limit",
} as const;

export type Code = keyof typeof CODES;

export function error(code: Code, message: string, at?: Position, related?: readonly Related[]): Diagnostic {
  return { code, severity: "error", message, ...(at ?? {}), ...(related?.length ? { related } : {}) };
}

export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export const ok = <T>(value: T, warnings: readonly Diagnostic[] = []): Result<T> => ({ ok: true, value, warnings });
export const fail = <T>(diagnostics: readonly Diagnostic[]): Result<T> => ({ ok: false, diagnostics });

/** Sorted by file, line, column, code; exact duplicates dropped. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const key = `${d.file}\0${d.line}\0${d.column}\0${d.code}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort(
    (a, b) =>
      byCodePoint(a.file ?? "", b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      byCodePoint(a.code, b.code) ||
      byCodePoint(a.message, b.message),
  );
}
