/** The text form of a diff report, for reviewers: jobs first, then each target's output entries. */
import type { Change, DiffReport, EntriesDiff } from "./compare.js";

const MAX_LABELS = 5;

function show(v: unknown): string {
  const s = v === undefined ? "(absent)" : (JSON.stringify(v) ?? "null");
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}

function renderChange(c: Change, indent: string): string {
  const at = c.at ? `  (${c.at})` : "";
  if (c.kind === "added") return `${indent}${c.path}: added ${show(c.new)}${at}\n`;
  if (c.kind === "removed") return `${indent}${c.path}: removed (was ${show(c.old)})\n`;
  return `${indent}${c.path}: ${show(c.old)} → ${show(c.new)}${at}\n`;
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

const counts = (d: EntriesDiff) => `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`;

/** Human-readable report; "no differences" when there are none. */
export function renderDiff(r: DiffReport): string {
  if (!r.differs) return `no differences between ${r.base} and ${r.head}\n`;
  let out = `jobdef diff ${r.base} → ${r.head}\n`;
  for (const b of r.branches) {
    out += `\nbranch ${b.branch}${b.status === "changed" ? "" : ` (${b.status})`}\n`;
    out += `  jobs: ${counts(b.jobs)}\n`;
    // A whole branch added or removed: the counts say it; listing every job would bury the rest.
    if (b.status !== "changed") continue;
    out += renderEntries(b.jobs, "    ");
    for (const t of b.targets) {
      out += `  ${t.target}:\n`;
      for (const f of t.files) {
        out += `    ${f.status === "added" ? "+" : f.status === "removed" ? "-" : "~"} ${f.path}${f.status === "changed" ? `: ${counts(f)}` : ""}\n`;
        if (f.status === "changed") out += renderEntries(f, "        ");
      }
    }
  }
  return out;
}
