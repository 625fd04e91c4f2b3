/** `jobdef diff`, library side: per branch, the jobs added, removed and changed, and per target the output entries. */
import { isDeepStrictEqual } from "node:util";
import { structuredPatch } from "diff";
import type { Compiled } from "../compile.js";
import type { OutputFile } from "../emit/types.js";
import type { Job } from "../expand.js";
import { provenanceList } from "../explain-job.js";
import { ownerOf } from "../manifest.js";
import type { Merged } from "../merge.js";
import { byCodePoint, isMapping } from "../values.js";

export interface Change {
  /** Dotted path of the field; "." for the whole value. */
  readonly path: string;
  readonly kind: "added" | "removed" | "changed";
  readonly old?: unknown;
  readonly new?: unknown;
  /** On the new side: the file:line that set the value (for merged jobs). */
  readonly at?: string;
}

/** Named entries (job labels, or a JSON file's top-level keys) added, removed and changed. */
export interface EntriesDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly { readonly name: string; readonly changes: readonly Change[] }[];
}

export interface FileDiff extends EntriesDiff {
  readonly path: string;
  readonly status: "added" | "removed" | "changed";
  /** The file's Python twin (same value), which changed with it and is not listed on its own. */
  readonly twin?: string;
  /** For a file that is not JSON: the changed lines with context, unified-diff style. */
  readonly lines?: readonly string[];
}

export interface TargetDiff {
  readonly target: string;
  /** Per file; in JSON files the entries are the top-level keys (for taskcluster: the job labels). */
  readonly files: readonly FileDiff[];
}

export interface BranchDiff {
  readonly branch: string;
  readonly status: "added" | "removed" | "changed";
  /** The merged jobs, before any target. */
  readonly jobs: EntriesDiff;
  readonly targets: readonly TargetDiff[];
}

export interface DiffReport {
  readonly base: string;
  readonly head: string;
  readonly differs: boolean;
  readonly branches: readonly BranchDiff[];
  /** Jobs (per branch, summed) whose only changes were to selector fields, left out (without `--selectors`). */
  readonly selectorOnly: number;
}

export interface DiffOptions {
  /** Report changes to selector fields (`run-on`), which choose where a job runs but are not part of it. */
  readonly selectors?: boolean;
}

/** Fields that select where a suite runs: a change there that changes no job, no label and no output is noise. */
export const SELECTOR_FIELDS = ["run-on"] as const;

export function isSelectorPath(path: string): boolean {
  return SELECTOR_FIELDS.some((f) => path === f || path.startsWith(`${f}.`));
}

/** Leaf-level differences between two JSON-like values; lists are compared whole. */
export function changesOf(a: unknown, b: unknown, path = "", out: Change[] = []): Change[] {
  const at = (k: string) => (path ? `${path}.${k}` : k);
  if (isMapping(a) && isMapping(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(byCodePoint)) {
      if (!Object.hasOwn(a, k)) out.push({ path: at(k), kind: "added", new: b[k] });
      else if (!Object.hasOwn(b, k)) out.push({ path: at(k), kind: "removed", old: a[k] });
      else changesOf(a[k], b[k], at(k), out);
    }
  } else if (!isDeepStrictEqual(a, b)) out.push({ path: path || ".", kind: "changed", old: a, new: b });
  return out;
}

function located(changes: Change[], merged: Merged): Change[] {
  const prov = provenanceList(merged.value, merged.provenance);
  return changes.map((c) => {
    if (c.kind === "removed") return c;
    let p = c.path;
    while (!prov[p] && p.includes(".")) p = p.slice(0, p.lastIndexOf("."));
    const o = prov[p];
    return o ? { ...c, at: o.file ? `${o.file}:${o.line}` : `${o.layer}` } : c;
  });
}

function diffEntries<V>(
  a: ReadonlyMap<string, V>,
  b: ReadonlyMap<string, V>,
  compare: (x: V, y: V) => Change[],
): EntriesDiff {
  const added = [...b.keys()].filter((k) => !a.has(k)).sort(byCodePoint);
  const removed = [...a.keys()].filter((k) => !b.has(k)).sort(byCodePoint);
  const changed: { name: string; changes: Change[] }[] = [];
  for (const k of [...b.keys()].filter((x) => a.has(x)).sort(byCodePoint)) {
    const changes = compare(a.get(k)!, b.get(k)!);
    if (changes.length) changed.push({ name: k, changes });
  }
  return { added, removed, changed };
}

const emptyEntries = (d: EntriesDiff) => !d.added.length && !d.removed.length && !d.changed.length;

function entriesOf(path: string, text: string | undefined): Map<string, unknown> | undefined {
  if (text === undefined || !path.endsWith(".json")) return undefined;
  const data = JSON.parse(text) as Record<string, unknown>;
  return new Map(Object.entries(data).filter(([k]) => k !== "$generated"));
}

function diffFile(path: string, a: OutputFile | undefined, b: OutputFile | undefined): FileDiff | undefined {
  // each side's text once: a streamed file (a task graph) is produced anew on every read of `content`
  const ta = a?.content;
  const tb = b?.content;
  if (ta === tb) return undefined;
  const status = !a ? "added" : !b ? "removed" : "changed";
  const none = new Map<string, unknown>();
  const ea = entriesOf(path, ta);
  const eb = entriesOf(path, tb);
  if (status === "changed" && (!ea || !eb))
    return { path, status, added: [], removed: [], changed: [], lines: lineChanges(ta ?? "", tb ?? "") };
  const entries = diffEntries(ea ?? none, eb ?? none, (x, y) => changesOf(x, y));
  // only the banner (or the bytes, not the value) differs: nothing a consumer reads changed
  if (status === "changed" && emptyEntries(entries)) return undefined;
  return { path, status, ...entries };
}

/** The changed lines of a text file with two lines of context, as a unified diff's hunks. */
export function lineChanges(a: string, b: string, context = 2): string[] {
  const patch = structuredPatch("a", "b", a, b, undefined, undefined, { context });
  return patch.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]);
}

/** Per branch and target, the changed files; a Python twin goes with its JSON file (the same value), not on its own. */
function diffFiles(fa: Map<string, OutputFile>, fb: Map<string, OutputFile>, names: readonly string[]) {
  const paths = new Set([...fa.keys(), ...fb.keys()]);
  const targets = new Map<string, FileDiff[]>();
  for (const p of [...paths].sort(byCodePoint)) {
    if (p.endsWith(".py") && paths.has(`${p.slice(0, -3)}.json`)) continue;
    const d = diffFile(p, fa.get(p), fb.get(p));
    if (!d) continue;
    const twin = p.endsWith(".json") ? `${p.slice(0, -5)}.py` : undefined;
    const t = ownerOf(p, names).target;
    targets.set(t, [...(targets.get(t) ?? []), twin && paths.has(twin) ? { ...d, twin } : d]);
  }
  return targets;
}

function filesByBranch(c: Compiled | undefined, branches: readonly string[]): Map<string, Map<string, OutputFile>> {
  const out = new Map<string, Map<string, OutputFile>>();
  for (const f of c?.files ?? []) {
    const b = ownerOf(f.path, branches).branch ?? "(shared)";
    if (!out.has(b)) out.set(b, new Map());
    out.get(b)!.set(f.path, f);
  }
  return out;
}

/**
 * The changes of a job's merged value, located on the new side. Chunks of a suite share their merge, so one
 * comparison's changes are worked out once per pair of merges.
 */
function jobChanges(): (x: Job, y: Job) => Change[] {
  const byPair = new Map<Merged, Map<Merged, Change[]>>();
  return (x, y) => {
    let byNew = byPair.get(x.merged);
    if (!byNew) {
      byNew = new Map();
      byPair.set(x.merged, byNew);
    }
    let changes = byNew.get(y.merged);
    if (!changes) {
      changes = located(changesOf(x.merged.value, y.merged.value), y.merged);
      byNew.set(y.merged, changes);
    }
    return changes;
  };
}

/** Compares two compiles (all branches, all targets of each side). */
export function compareCompiled(
  base: Compiled,
  head: Compiled,
  labels: { base: string; head: string },
  options: DiffOptions = {},
): DiffReport {
  let selectorOnly = 0;
  const allChanges = jobChanges();
  const selected = (x: Job, y: Job): Change[] => {
    const all = allChanges(x, y);
    if (options.selectors) return all;
    const kept = all.filter((c) => !isSelectorPath(c.path));
    if (all.length && !kept.length) selectorOnly++;
    return kept;
  };
  const jobsA = new Map(base.branches.map((b) => [b.branch.name, new Map(b.jobs.map((j) => [j.label, j]))]));
  const jobsB = new Map(head.branches.map((b) => [b.branch.name, new Map(b.jobs.map((j) => [j.label, j]))]));
  const names = [...new Set([...jobsA.keys(), ...jobsB.keys()])].sort(byCodePoint);
  const filesA = filesByBranch(base, names);
  const filesB = filesByBranch(head, names);
  const branches: BranchDiff[] = [];
  for (const branch of [...names, ...(filesA.has("(shared)") || filesB.has("(shared)") ? ["(shared)"] : [])]) {
    const none = new Map<string, Job>();
    const jobs = diffEntries(jobsA.get(branch) ?? none, jobsB.get(branch) ?? none, selected);
    const fa = filesA.get(branch) ?? new Map<string, OutputFile>();
    const fb = filesB.get(branch) ?? new Map<string, OutputFile>();
    const targets = diffFiles(fa, fb, names);
    if (emptyEntries(jobs) && !targets.size) continue;
    const inA = jobsA.has(branch) || filesA.has(branch);
    const inB = jobsB.has(branch) || filesB.has(branch);
    branches.push({
      branch,
      status: !inA ? "added" : !inB ? "removed" : "changed",
      jobs,
      targets: [...targets].sort(([x], [y]) => byCodePoint(x, y)).map(([target, files]) => ({ target, files })),
    });
  }
  return { base: labels.base, head: labels.head, differs: branches.length > 0, branches, selectorOnly };
}
