/**
 * The cost of provenance (issue 3): the same merges, one per job of a tree's first branch, with provenance and
 * with `mergeLayers(..., { provenance: false })`, alternated so noise hits both alike; medians of `runs` rounds.
 */
import { expandJobs, loadValidTree } from "../src/compile.js";
import { layersFor } from "../src/expand.js";
import type { JobContext } from "../src/keyed-by.js";
import { mergeLayers } from "../src/merge.js";
import type { Layer } from "../src/model.js";
import { median } from "./measure.js";

interface MergeInput {
  readonly layers: readonly Layer[];
  readonly ctx: JobContext;
}

function mergeInputs(root: string): MergeInput[] {
  const tree = loadValidTree(root);
  if (!tree.ok) throw new Error(`bench tree ${root} is not valid: ${tree.diagnostics[0]?.message}`);
  const first = tree.value.settings.checkedIn.branches[0];
  const expanded = expandJobs(tree.value, { branches: [first] });
  if (!expanded.ok) throw new Error(`bench tree ${root} does not expand: ${expanded.diagnostics[0]?.message}`);
  const t = tree.value;
  return expanded.value[0].jobs.map((job) => {
    const platform = t.platforms.get(job.platform)!;
    const branch = t.branches.get(job.branch)!;
    const ctx: JobContext = {
      platform: job.platform,
      "build-type": job.buildType,
      branch: job.branch,
      os: platform.spec.os,
      suite: job.suite,
      harness: job.harness,
    };
    return { layers: layersFor(t, t.suites.get(job.suite)!, platform, branch, job.harness, []), ctx };
  });
}

function timeMerges(inputs: readonly MergeInput[], provenance: boolean): number {
  globalThis.gc?.();
  const start = performance.now();
  let errors = 0;
  for (const { layers, ctx } of inputs)
    errors += mergeLayers(layers, ctx, undefined, { provenance }).diagnostics.length;
  const ms = performance.now() - start;
  if (errors) throw new Error(`${errors} merge errors`);
  return ms;
}

/** A Markdown table: merge time with and without provenance, and the overhead. */
export function measureProvenance(root: string, runs: number): { table: string; overhead: number } {
  const inputs = mergeInputs(root);
  timeMerges(inputs, true); // warm up both paths
  timeMerges(inputs, false);
  const on: number[] = [];
  const off: number[] = [];
  for (let i = 0; i < runs; i++) {
    on.push(timeMerges(inputs, true));
    off.push(timeMerges(inputs, false));
  }
  const withP = median(on);
  const without = median(off);
  const overhead = (withP / without - 1) * 100;
  const table = [
    `Provenance cost: ${inputs.length} merges (one per job of one branch), all layers, medians of ${runs} rounds.`,
    "",
    "| merge | wall | per job | overhead |",
    "|---|---:|---:|---:|",
    `| without provenance | ${without.toFixed(0)} ms | ${((without / inputs.length) * 1000).toFixed(1)} µs | |`,
    `| with provenance | ${withP.toFixed(0)} ms | ${((withP / inputs.length) * 1000).toFixed(1)} µs | ${overhead >= 0 ? "+" : ""}${overhead.toFixed(0)}% (target ≤ 30%) |`,
  ].join("\n");
  return { table, overhead };
}
