/**
 * Diagnostics for people: one problem found many times at one place (every platform or job it breaks) is shown once
 * with a count, and at most `max` are shown, errors first, then a line saying what was left out.
 */
import type { Diagnostic } from "../diagnostics.js";

export const DEFAULT_MAX_DIAGNOSTICS = 50;

/** A diagnostic standing for `count` of the same code and severity at the same place. */
export interface Condensed {
  readonly diagnostic: Diagnostic;
  readonly count: number;
}

export interface CondensedList {
  readonly shown: readonly Condensed[];
  /** Groups left out by the limit, by severity (each group counted once). */
  readonly omitted: { readonly errors: number; readonly warnings: number };
}

/** Groups by place, code and severity (in first-seen order); `max` 0 shows every group. */
export function condense(list: readonly Diagnostic[], max: number): CondensedList {
  const groups = new Map<string, { diagnostic: Diagnostic; count: number }>();
  for (const d of list) {
    // without a place, only the same message is the same problem
    const key = d.file
      ? `${d.file}\0${d.line}\0${d.column}\0${d.code}\0${d.severity}`
      : `\0${d.code}\0${d.severity}\0${d.message}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { diagnostic: d, count: 1 });
  }
  const all = [...groups.values()];
  if (!max || all.length <= max) return { shown: all, omitted: { errors: 0, warnings: 0 } };
  // errors first, so that warnings never push an error out of view
  const ordered = [
    ...all.filter((g) => g.diagnostic.severity === "error"),
    ...all.filter((g) => g.diagnostic.severity !== "error"),
  ];
  const left = ordered.slice(max);
  return {
    shown: ordered.slice(0, max),
    omitted: {
      errors: left.filter((g) => g.diagnostic.severity === "error").length,
      warnings: left.filter((g) => g.diagnostic.severity !== "error").length,
    },
  };
}

/** The line after the shown diagnostics when some were left out. */
export function omittedLine(c: CondensedList, max: number): string {
  const { errors, warnings } = c.omitted;
  if (!errors && !warnings) return "";
  const parts = [
    errors ? `${errors} error${errors === 1 ? "" : "s"}` : "",
    warnings ? `${warnings} warning${warnings === 1 ? "" : "s"}` : "",
  ].filter(Boolean);
  return `jobdef: ${parts.join(" and ")} more not shown (--max-diagnostics ${max}; --max-diagnostics 0 shows all)\n`;
}

/** The note under a diagnostic standing for several. */
export function repeatedLine(count: number): string {
  return count > 1 ? `  (reported once: ${count} times at this place, for other jobs or platforms)\n` : "";
}
