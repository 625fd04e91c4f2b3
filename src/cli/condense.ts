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

/**
 * Two messages name the same problem when they have as many words and differ in at most this share of them: the
 * jobs, platforms or lists they name (a conflict found on every platform), not what they say.
 */
const SAME_PROBLEM = 0.15;
const MAX_COMPARED = 16;

function sameProblem(a: string, b: string): boolean {
  if (a === b) return true;
  const x = a.split(/\s+/);
  const y = b.split(/\s+/);
  if (x.length !== y.length) return false;
  let differing = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) differing++;
  return differing <= SAME_PROBLEM * x.length;
}

/**
 * Groups the same problem: one code and severity at one place, with messages that differ only in details (the jobs
 * or platforms they name); in first-seen order. `max` 0 shows every group.
 */
export function condense(list: readonly Diagnostic[], max: number): CondensedList {
  const byPlace = new Map<string, { diagnostic: Diagnostic; count: number }[]>();
  const groups: { diagnostic: Diagnostic; count: number }[] = [];
  for (const d of list) {
    // without a place, only the same message is the same problem
    const key = d.file
      ? `${d.file}\0${d.line}\0${d.column}\0${d.code}\0${d.severity}`
      : `\0${d.code}\0${d.severity}\0${d.message}`;
    const here = byPlace.get(key) ?? [];
    byPlace.set(key, here);
    // a place with many different problems compares with its first few only: the check stays linear
    const g = here.find((x, i) => i < MAX_COMPARED && sameProblem(x.diagnostic.message, d.message));
    if (g) g.count++;
    else {
      const fresh = { diagnostic: d, count: 1 };
      here.push(fresh);
      groups.push(fresh);
    }
  }
  const all = groups;
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
  return count > 1 ? `  (reported once: ${count} times at this place, naming other jobs, platforms or lists)\n` : "";
}
