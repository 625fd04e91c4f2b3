/**
 * The cost of provenance (issue 3): the same merges, one per job of a tree's first branch, with provenance and
 * with `mergeLayers(..., { provenance: false })`. Each mode runs in processes of its own, alternated so noise hits
 * both alike: in one process, each mode's rounds would run code the other mode's rounds trained (the compiler only
 * ever runs with provenance). Medians over all rounds of all processes.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
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

/** Rounds timed per process, after two untimed. */
const ROUNDS = 7;

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
    return {
      layers: layersFor(t, { branch, platform, suite: t.suites.get(job.suite)!, harness: job.harness }, []),
      ctx,
    };
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

/** Times `ROUNDS` rounds of every merge of `root`'s first branch in one mode (a child process runs this). */
function timeRounds(root: string, provenance: boolean): { ms: number[]; merges: number } {
  const inputs = mergeInputs(root);
  timeMerges(inputs, provenance);
  timeMerges(inputs, provenance);
  const ms: number[] = [];
  for (let i = 0; i < ROUNDS; i++) ms.push(timeMerges(inputs, provenance));
  return { ms, merges: inputs.length };
}

function timeInChild(root: string, provenance: boolean): { ms: number[]; merges: number } {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--expose-gc", fileURLToPath(import.meta.url), provenance ? "on" : "off", root],
    { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
  );
  if (r.status !== 0) throw new Error(`provenance bench exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as { ms: number[]; merges: number };
}

/** A Markdown table: merge time with and without provenance, and the overhead. */
export function measureProvenance(root: string, runs: number): { table: string; overhead: number } {
  const on: number[] = [];
  const off: number[] = [];
  let merges = 0;
  for (let i = 0; i < runs; i++) {
    for (const provenance of i % 2 ? [false, true] : [true, false]) {
      const r = timeInChild(root, provenance);
      (provenance ? on : off).push(...r.ms);
      merges = r.merges;
    }
  }
  const withP = median(on);
  const without = median(off);
  const overhead = (withP / without - 1) * 100;
  const table = [
    `Provenance cost: ${merges} merges (one per job of one branch), all layers, medians of ${runs * ROUNDS} rounds in ${runs} processes per mode.`,
    "",
    "| merge | wall | per job | overhead |",
    "|---|---:|---:|---:|",
    `| without provenance | ${without.toFixed(0)} ms | ${((without / merges) * 1000).toFixed(1)} µs | |`,
    `| with provenance | ${withP.toFixed(0)} ms | ${((withP / merges) * 1000).toFixed(1)} µs | ${overhead >= 0 ? "+" : ""}${overhead.toFixed(0)}% (target ≤ 30%) |`,
  ].join("\n");
  return { table, overhead };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [mode, root] = process.argv.slice(2);
  process.stdout.write(JSON.stringify(timeRounds(root, mode === "on")));
}
