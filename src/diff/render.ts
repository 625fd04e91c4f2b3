/** The text form of a diff report, for reviewers: jobs first, then each target's output entries. */
import {
  type Change,
  type DiffReport,
  type EntriesDiff,
  type FileDiff,
  lineChanges,
  SELECTOR_FIELDS,
} from "./compare.js";

const MAX_LABELS = 5;
/** A value longer than this is shown around its difference, not on one line. */
const WIDTH = 100;
/** Characters of an unchanged string kept either side of a difference. */
const CONTEXT = 40;
/** Lines of a long added or removed value shown before "... N more lines". */
const MAX_VALUE_LINES = 20;

function json(v: unknown): string {
  return v === undefined ? "(absent)" : (JSON.stringify(v) ?? "null");
}

function renderChange(c: Change, indent: string): string {
  const at = c.at ? `  (${c.at})` : "";
  const atAbove = c.at ? ` (${c.at})` : "";
  const inner = `${indent}  `;
  if (c.kind === "added")
    return json(c.new).length <= WIDTH
      ? `${indent}${c.path}: added ${json(c.new)}${at}\n`
      : `${indent}${c.path}: added${at}\n${valueLines(c.new, "+ ", inner)}`;
  if (c.kind === "removed")
    return json(c.old).length <= WIDTH
      ? `${indent}${c.path}: removed (was ${json(c.old)})\n`
      : `${indent}${c.path}: removed, was\n${valueLines(c.old, "- ", inner)}`;
  if (json(c.old).length + json(c.new).length <= WIDTH)
    return `${indent}${c.path}: ${json(c.old)} → ${json(c.new)}${at}\n`;
  // too long for one line: the difference with context, never cut before it
  if (typeof c.old === "string" && typeof c.new === "string") {
    const [a, b] = aroundDifference(c.old, c.new);
    return `${indent}${c.path}:${atAbove}\n${inner}- ${a}\n${inner}+ ${b}\n`;
  }
  const hunks = lineChanges(pretty(c.old), pretty(c.new))
    .map((l, i) => (l.startsWith("@@") ? (i ? "..." : "") : l))
    .filter((l) => l !== "");
  return `${indent}${c.path}:${atAbove}\n${hunks.map((l) => `${inner}${l}\n`).join("")}`;
}

function pretty(v: unknown): string {
  return `${v === undefined ? "(absent)" : (JSON.stringify(v, null, 2) ?? "null")}\n`;
}

function valueLines(v: unknown, mark: string, indent: string): string {
  const lines = pretty(v).trimEnd().split("\n");
  const shown = lines.slice(0, MAX_VALUE_LINES).map((l) => `${indent}${mark}${l}\n`);
  if (lines.length > MAX_VALUE_LINES) shown.push(`${indent}  ... ${lines.length - MAX_VALUE_LINES} more lines\n`);
  return shown.join("");
}

/** Two strings cut to their differing middle with CONTEXT characters either side, as JSON strings with "…" marks. */
export function aroundDifference(a: string, b: string): [string, string] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const cut = (x: string) => {
    const start = Math.max(0, head - CONTEXT);
    const end = Math.min(x.length, x.length - tail + CONTEXT);
    const body = JSON.stringify(x.slice(start, end)).slice(1, -1);
    return `"${start > 0 ? "…" : ""}${body}${end < x.length ? "…" : ""}"`;
  };
  return [cut(a), cut(b)];
}

function names(list: readonly string[]): string {
  return list.length <= MAX_LABELS
    ? list.join(", ")
    : `${list.slice(0, MAX_LABELS).join(", ")} and ${list.length - MAX_LABELS} more`;
}

/** Added and removed names, then the changed ones grouped by identical change lists (chunks share theirs). */
function renderEntries(d: EntriesDiff, indent: string): string {
  let out = "";
  for (const n of d.added) out += `${indent}+ ${n}\n`;
  for (const n of d.removed) out += `${indent}- ${n}\n`;
  const groups = new Map<string, { names: string[]; changes: readonly Change[] }>();
  for (const c of d.changed) {
    const sig = JSON.stringify(c.changes);
    if (!groups.has(sig)) groups.set(sig, { names: [], changes: c.changes });
    groups.get(sig)!.names.push(c.name);
  }
  for (const g of groups.values()) {
    out += `${indent}~ ${names(g.names)}\n`;
    for (const c of g.changes) out += renderChange(c, `${indent}    `);
  }
  return out;
}

function renderFile(f: FileDiff): string {
  const mark = f.status === "added" ? "+" : f.status === "removed" ? "-" : "~";
  const twin = f.twin ? ` (and its twin ${f.twin.slice(f.twin.lastIndexOf("/") + 1)})` : "";
  if (f.status !== "changed") return `    ${mark} ${f.path}${twin}\n`;
  if (f.lines) return `    ${mark} ${f.path}${twin}\n${f.lines.map((l) => `        ${l}\n`).join("")}`;
  return `    ${mark} ${f.path}${twin}: ${counts(f)}\n${renderEntries(f, "        ")}`;
}

const counts = (d: EntriesDiff) => `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`;

/** Human-readable report; "no differences" when there are none. */
export function renderDiff(r: DiffReport): string {
  const hidden = r.selectorOnly
    ? `(${r.selectorOnly} jobs whose only changes are to selectors (${SELECTOR_FIELDS.join(", ")}) not shown; --selectors shows them)\n`
    : "";
  if (!r.differs) return `no differences between ${r.base} and ${r.head}\n${hidden}`;
  let out = `jobdef diff ${r.base} → ${r.head}\n${hidden}`;
  for (const b of r.branches) {
    out += `\nbranch ${b.branch}${b.status === "changed" ? "" : ` (${b.status})`}\n`;
    out += `  jobs: ${counts(b.jobs)}\n`;
    // A whole branch added or removed: the counts say it; listing every job would bury the rest.
    if (b.status !== "changed") continue;
    out += renderEntries(b.jobs, "    ");
    for (const t of b.targets) {
      out += `  ${t.target}:\n`;
      for (const f of t.files) {
        out += renderFile(f);
      }
    }
  }
  return out;
}
