/** `jobdef diff`, library side: per branch, the jobs added, removed and changed, and per target the output entries. */
import { isDeepStrictEqual } from "node:util";
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
  const ea = entriesOf(path, ta) ?? none;
  const eb = entriesOf(path, tb) ?? none;
  return { path, status, ...diffEntries(ea, eb, (x, y) => changesOf(x, y)) };
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
export function compareCompiled(base: Compiled, head: Compiled, labels: { base: string; head: string }): DiffReport {
  const jobsA = new Map(base.branches.map((b) => [b.branch.name, new Map(b.jobs.map((j) => [j.label, j]))]));
  const jobsB = new Map(head.branches.map((b) => [b.branch.name, new Map(b.jobs.map((j) => [j.label, j]))]));
  const names = [...new Set([...jobsA.keys(), ...jobsB.keys()])].sort(byCodePoint);
  const filesA = filesByBranch(base, names);
  const filesB = filesByBranch(head, names);
  const branches: BranchDiff[] = [];
  const changes = jobChanges();
  for (const branch of [...names, ...(filesA.has("(shared)") || filesB.has("(shared)") ? ["(shared)"] : [])]) {
    const none = new Map<string, Job>();
    const jobs = diffEntries(jobsA.get(branch) ?? none, jobsB.get(branch) ?? none, changes);
    const fa = filesA.get(branch) ?? new Map<string, OutputFile>();
    const fb = filesB.get(branch) ?? new Map<string, OutputFile>();
    const paths = [...new Set([...fa.keys(), ...fb.keys()])].sort(byCodePoint);
    const targets = new Map<string, FileDiff[]>();
    for (const p of paths) {
      const d = diffFile(p, fa.get(p), fb.get(p));
      if (!d) continue;
      const t = ownerOf(p, names).target;
      targets.set(t, [...(targets.get(t) ?? []), d]);
    }
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
  return { base: labels.base, head: labels.head, differs: branches.length > 0, branches };
}
