/**
 * What `jobdef report` embeds: the matrix of every branch and, per suite on a platform and build type, every leaf of
 * the merged job with the file:line and layer that set it. Tables shared by several cells (chunks, and branches
 * whose merges agree) are stored once.
 */
import type { BranchJobs, Job } from "../expand.js";
import { originView } from "../explain-job.js";
import { type BranchMatrix, matrixOf } from "../matrix.js";
import { isOrigin, type ProvenanceNode } from "../merge.js";
import { byCodePoint } from "../values.js";

/** One leaf: dotted path, the value as JSON, where it was set (`file:line`, or `jobdef` for the built-in layer), layer. */
export type ProvenanceRow = readonly [path: string, value: string, where: string, layer: string];

export interface ReportData {
  readonly branches: readonly BranchMatrix[];
  /** Distinct provenance tables. */
  readonly provenance: readonly (readonly ProvenanceRow[])[];
  /** Branch → label → index into `provenance`. */
  readonly jobs: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

function key(segment: string): string {
  return /^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment);
}

/** Every leaf of a merged value with its origin (a list's items each with their own, when the merge kept them). */
export function provenanceRows(value: unknown, prov: ProvenanceNode | undefined, path = ""): ProvenanceRow[] {
  if (prov === undefined) return [];
  if (isOrigin(prov)) {
    const where = (o: ReturnType<typeof originView>) => (o.file ? `${o.file}:${o.line}` : "jobdef");
    const view = originView(prov);
    const rows: ProvenanceRow[] = [[path || ".", JSON.stringify(value) ?? "null", where(view), view.layer]];
    if (Array.isArray(value))
      prov.items?.forEach((o, i) => {
        const item = originView(o);
        rows.push([`${path}[${i}]`, JSON.stringify(value[i]) ?? "null", where(item), item.layer]);
      });
    return rows;
  }
  const node = prov as Readonly<Record<string, ProvenanceNode>>;
  const object = value as Record<string, unknown>;
  return Object.keys(object)
    .sort(byCodePoint)
    .flatMap((k) => provenanceRows(object[k], node[k], path ? `${path}.${key(k)}` : key(k)));
}

export function reportData(branches: readonly BranchJobs[]): ReportData {
  const tables: ProvenanceRow[][] = [];
  const byText = new Map<string, number>();
  const byMerge = new WeakMap<object, number>();
  const indexOf = (job: Job): number => {
    const known = byMerge.get(job.merged);
    if (known !== undefined) return known;
    const rows = provenanceRows(job.merged.value, job.merged.provenance);
    const text = JSON.stringify(rows);
    let i = byText.get(text);
    if (i === undefined) {
      i = tables.push(rows) - 1;
      byText.set(text, i);
    }
    byMerge.set(job.merged, i);
    return i;
  };
  const jobs: Record<string, Record<string, number>> = {};
  for (const b of branches) {
    const labels: Record<string, number> = {};
    for (const job of b.jobs) labels[job.label] = indexOf(job);
    jobs[b.branch.name] = labels;
  }
  return { branches: branches.map(matrixOf), provenance: tables, jobs };
}
