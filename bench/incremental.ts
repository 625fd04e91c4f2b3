/**
 * The incremental runs of issue 22, on a tree of one branch (so a whole compile, which records its inputs, is that
 * branch): a cold `--no-cache` compile into an empty directory, then with the cache: a compile with nothing changed,
 * `check` of the up-to-date tree, a compile after one suite file was edited, and after one platform file was
 * edited. Each is a child process of the CLI, as users run it, and each is compared with the cold compile of the
 * same run. The edits change a description, which reaches the output (task metadata), so output is rewritten.
 * Beside the no-op compile, the floor under it: node starting and exiting. Beside the suite edit, the floor under
 * it: node writing and hashing the task graph file alone (SPEC §3: one file per branch, which the edited suite's
 * tasks on every platform make differ from its first megabytes on).
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateTree } from "./generate.js";
import { median, REPO, runNode, type Sample } from "./measure.js";

const GRAPH_FLOOR = join(REPO, "bench", "graph-write-floor.mjs");

export interface IncrementalRows {
  readonly jobs: number;
  readonly cold: Sample[];
  readonly noop: Sample[];
  /** Node starting and exiting (`node -e 0`): what a no-op compile cannot go below. */
  readonly startFloor: Sample[];
  readonly check: Sample[];
  readonly suite: Sample[];
  readonly platform: Sample[];
  /** Rewriting the task graph alone (bench/graph-write-floor.mjs): what a suite edit cannot go below. */
  readonly graphFloor: Sample[];
  graphBytes: number;
}

/** Replaces the file's `description:` line, so that its jobs change. */
function editDescription(path: string, run: number): void {
  const text = readFileSync(path, "utf8");
  writeFileSync(path, text.replace(/^description: .*$/m, `description: edited in bench run ${run}`));
}

/** Measures `runs` rounds on a generated tree of `jobs` jobs on one branch, under `work`. */
export function benchIncremental(
  jobs: number,
  runs: number,
  work: string,
  jobdef: string,
  sample: (into: Sample[], make: () => Sample) => void,
): IncrementalRows {
  const root = join(work, `tree-incremental-${jobs}`);
  const g = generateTree(root, { jobs, branches: 1 });
  const out = join(work, "out", "incremental");
  const cache = join(work, "out", "incremental-cache");
  const rows: IncrementalRows = {
    jobs: g.jobsPerBranch,
    cold: [],
    noop: [],
    startFloor: [],
    check: [],
    suite: [],
    platform: [],
    graphFloor: [],
    graphBytes: 0,
  };
  const graph = join(out, "taskcluster", `${g.branches[0]}.json`);
  const floorCopy = join(work, "out", "graph-write-floor.json");
  const compile = (...extra: string[]) => [jobdef, "compile", "--root", root, "--out", out, "-q", ...extra];
  const withCache = ["--cache-dir", cache];
  const suiteFile = join(root, "configs", "suites", readdirFirst(g.root, "suites"));
  const platformFile = join(root, "configs", "platforms", readdirFirst(g.root, "platforms"));
  for (let run = 0; run < runs; run++) {
    rmSync(out, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
    sample(rows.cold, () => runNode(compile("--no-cache")));
    // the cache's first run: the output is current, but this jobdef has no record of it yet (untimed)
    runNode(compile(...withCache));
    sample(rows.startFloor, () => runNode(["-e", "0"]));
    sample(rows.noop, () => runNode(compile(...withCache)));
    sample(rows.check, () => runNode([jobdef, "check", "--root", root, "--out", out, ...withCache]));
    editDescription(suiteFile, run);
    sample(rows.suite, () => runNode(compile(...withCache)));
    rmSync(floorCopy, { force: true });
    sample(rows.graphFloor, () => runNode([GRAPH_FLOOR, graph, floorCopy]));
    rows.graphBytes = statSync(graph).size;
    rmSync(floorCopy, { force: true });
    editDescription(platformFile, run);
    sample(rows.platform, () => runNode(compile(...withCache)));
    process.stderr.write(`bench: incremental run ${run + 1}/${runs} done\n`);
  }
  rmSync(out, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
  return rows;
}

function readdirFirst(root: string, dir: string): string {
  return readdirSync(join(root, "configs", dir)).sort()[0];
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const wall = (s: Sample[]) => (s.length ? median(s.map((x) => x.ms)) : Number.NaN);
const cpu = (s: Sample[]) => (s.length ? median(s.map((x) => x.cpu)) : Number.NaN);

/**
 * The targets of issue 22, each with its ratio to the cold compile of the same runs (wall and CPU: on a loaded
 * machine the CPU ratio is the steadier). The cold path is compared with the floor in the main tables.
 */
export function incrementalTable(r: IncrementalRows): string {
  const cold = wall(r.cold);
  const line = (what: string, s: Sample[], limit: string, met: (ms: number) => boolean | undefined) => {
    const ms = wall(s);
    if (Number.isNaN(ms)) return `| ${what} | not measured | | | | ${limit} | — |`;
    const verdict = met(ms);
    return `| ${what} | ${fmtMs(ms)} | ${(ms / cold).toFixed(3)}× | ${fmtMs(cpu(s))} | ${(cpu(s) / cpu(r.cold)).toFixed(3)}× | ${limit} | ${verdict === undefined ? "—" : verdict ? "met" : "**not met**"} |`;
  };
  return [
    `#### Incremental runs, ${r.jobs} jobs on one branch (medians of ${r.cold.length} runs)`,
    "",
    "| run | wall | ratio to cold | CPU | CPU ratio | target | |",
    "|---|---:|---:|---:|---:|---:|---|",
    line("cold compile (`--no-cache`, empty output)", r.cold, "no slower than before", () => undefined),
    line("compile, nothing changed", r.noop, "≤ 150 ms", (ms) => ms <= 150),
    line("floor: node starts and exits (`node -e 0`)", r.startFloor, "", () => undefined),
    `| … no-op compile over that floor | +${fmtMs(wall(r.noop) - wall(r.startFloor))} | | +${fmtMs(cpu(r.noop) - cpu(r.startFloor))} | | | — |`,
    line("`check` of the up-to-date tree", r.check, "≤ 300 ms", (ms) => ms <= 300),
    line("compile after one suite file edited", r.suite, "≤ 200 ms", (ms) => ms <= 200),
    line(
      `floor: node writes and hashes the ${(r.graphBytes / 2 ** 20).toFixed(0)} MiB task graph alone`,
      r.graphFloor,
      "",
      () => undefined,
    ),
    `| … suite edit over that floor | ${(wall(r.suite) / wall(r.graphFloor)).toFixed(2)}× | | ${(cpu(r.suite) / cpu(r.graphFloor)).toFixed(2)}× | | ≤ 200 ms needs a floor below it | ${wall(r.graphFloor) > 200 ? "floor above target" : "—"} |`,
    line("compile after one platform file edited", r.platform, "≤ 0.5× cold", (ms) => ms <= cold / 2),
  ].join("\n");
}
