/** Where a job's values came from, and clashes between two suites' jobs reported at those places. */

import { type Code, type Diagnostic, error, type Position, type Related } from "../diagnostics.js";
import { isOrigin, type ProvenanceNode } from "../merge.js";
import type { Tree } from "../model.js";
import type { Job } from "./jobs.js";

/** Where a job's value came from: the first of `paths` some layer set, else the top of the suite's file. */
export function jobPosition(tree: Tree, job: Job, ...paths: readonly (readonly string[])[]): Position {
  for (const path of paths) {
    const at = originAt(job.merged.provenance, path);
    if (at) return at;
  }
  return tree.suites.get(job.suite)!.file.positionOf([]);
}

/** Position of the leaf at `path` of a merged job, through its provenance. */
export function originAt(prov: Readonly<Record<string, ProvenanceNode>>, path: readonly string[]) {
  let node: ProvenanceNode | undefined = prov as ProvenanceNode;
  for (const seg of path) {
    if (node === undefined || isOrigin(node)) break;
    node = (node as Record<string, ProvenanceNode>)[seg];
  }
  if (!isOrigin(node) || !node.file) return undefined;
  return node.file.positionOf(node.path);
}

/**
 * Clashes between two suites (labels, Treeherder symbols, builder names): one diagnostic per pair of suites and kind,
 * the first clash, and how many jobs share it. `paths` are the job fields to point at, first found wins.
 */
export class Clashes {
  private readonly byPair = new Map<string, { first: Diagnostic; count: number }>();
  constructor(private readonly tree: Tree) {}

  add(code: Code, what: string, job: Job, other: Job, paths: readonly (readonly string[])[]): void {
    const key = `${code}\0${job.suite}\0${other.suite}`;
    const seen = this.byPair.get(key);
    if (seen) {
      seen.count++;
      return;
    }
    const related: Related[] = [
      { ...jobPosition(this.tree, other, ...paths), message: `also from suite ${other.suite} (${other.label})` },
    ];
    const message = `${what} is produced by suite ${job.suite} and suite ${other.suite}`;
    this.byPair.set(key, { first: error(code, message, jobPosition(this.tree, job, ...paths), related), count: 1 });
  }

  diagnostics(): Diagnostic[] {
    return [...this.byPair.values()].map(({ first, count }) =>
      count > 1 ? { ...first, message: `${first.message} (and ${count - 1} more jobs of these two suites)` } : first,
    );
  }
}
