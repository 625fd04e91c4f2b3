/** In-process access to the pipeline for table tests. */
import { expandJobs, loadValidTree } from "../../src/compile.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import type { Job } from "../../src/expand.js";
import { parseSetOverrides } from "../../src/set-overrides.js";

/** Jobs of one branch, or the diagnostics of the first failing stage. */
export function jobsOf(
  root: string,
  branch = "central",
  sets: string[] = [],
): { jobs: readonly Job[]; diagnostics: readonly Diagnostic[] } {
  const tree = loadValidTree(root);
  if (!tree.ok) return { jobs: [], diagnostics: tree.diagnostics };
  const overrides = parseSetOverrides(sets);
  if (!overrides.ok) return { jobs: [], diagnostics: overrides.diagnostics };
  const r = expandJobs(tree.value, { branches: [branch], overrides: overrides.value });
  return r.ok ? { jobs: r.value[0].jobs, diagnostics: [] } : { jobs: [], diagnostics: r.diagnostics };
}

/** The value at a dotted path of a job's merged spec. */
export function valueAt(job: Job, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], job.merged.value);
}
