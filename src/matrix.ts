/**
 * The coverage view: per branch, suites × platforms, each cell the suite's jobs on that platform per build type
 * (chunks, Treeherder tier and symbol, scheduler, labels). Built from expanded jobs, so it shows what compile writes.
 */
import type { BranchJobs, Job } from "./expand.js";
import { buildPlatformOf, buildTypesOn } from "./model.js";
import { splitSymbol } from "./names.js";
import { schedulerOf } from "./schedulers.js";
import { byCodePoint } from "./values.js";

/** One suite on one platform in one build type. */
export interface MatrixEntry {
  readonly buildType: string;
  readonly chunks: number;
  readonly tier: number;
  readonly scheduler: string;
  /** Treeherder `group(symbol)` without a chunk number. */
  readonly symbol: string;
  readonly labels: readonly string[];
}

export interface MatrixRow {
  readonly suite: string;
  readonly harness: string | null;
  /** Platform → the suite's entries there, in the platform's build-type order; absent where it does not run. */
  readonly cells: Readonly<Record<string, readonly MatrixEntry[]>>;
}

export interface MatrixPlatform {
  readonly name: string;
  readonly buildPlatform: string;
  readonly buildTypes: readonly string[];
}

export interface BranchMatrix {
  readonly branch: string;
  readonly platforms: readonly MatrixPlatform[];
  readonly suites: readonly MatrixRow[];
  readonly jobs: number;
}

function symbolOf(job: Job): string {
  const base = splitSymbol(job.spec.treeherder.symbol).symbol;
  return job.treeherder.group ? `${job.treeherder.group}(${base})` : base;
}

export function matrixOf(branch: BranchJobs): BranchMatrix {
  const platforms = branch.platforms.map((p) => ({
    name: p.name,
    buildPlatform: buildPlatformOf(p),
    buildTypes: buildTypesOn(p, branch.branch),
  }));
  const typeOrder = new Map(platforms.map((p) => [p.name, p.buildTypes]));
  // suite → platform → build type → entry (labels gathered over the chunks)
  const rows = new Map<string, { harness: string | null; cells: Map<string, Map<string, MatrixEntry>> }>();
  for (const job of branch.jobs) {
    const row = rows.get(job.suite) ?? { harness: job.harness ?? null, cells: new Map() };
    rows.set(job.suite, row);
    const cell = row.cells.get(job.platform) ?? new Map<string, MatrixEntry>();
    row.cells.set(job.platform, cell);
    const entry = cell.get(job.buildType);
    if (entry) (entry.labels as string[]).push(job.label);
    else
      cell.set(job.buildType, {
        buildType: job.buildType,
        chunks: job.chunks,
        tier: job.treeherder.tier,
        scheduler: schedulerOf(job),
        symbol: symbolOf(job),
        labels: [job.label],
      });
  }
  const suites = [...rows.keys()].sort(byCodePoint).map((suite) => {
    const row = rows.get(suite)!;
    const cells: Record<string, MatrixEntry[]> = {};
    for (const p of platforms) {
      const cell = row.cells.get(p.name);
      if (!cell) continue;
      const order = typeOrder.get(p.name) ?? [];
      cells[p.name] = [...cell.values()].sort((a, b) => order.indexOf(a.buildType) - order.indexOf(b.buildType));
    }
    return { suite, harness: row.harness, cells };
  });
  return { branch: branch.branch.name, platforms, suites, jobs: branch.jobs.length };
}

/** Build types by their first letter (opt → o), as try syntax's -b writes them. */
function letters(types: readonly string[]): string {
  return types.map((t) => t[0]).join("");
}

/** The row's most common value of `f`, which its cells then leave out. */
function usual<T>(row: MatrixRow, f: (e: MatrixEntry) => T): T | undefined {
  const counts = new Map<T, number>();
  for (const entries of Object.values(row.cells))
    for (const e of entries) counts.set(f(e), (counts.get(f(e)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** One cell as text: build types and chunks (`od 5`, or `o2 d4` when they differ), then what is unusual. */
export function cellText(entries: readonly MatrixEntry[], rowSymbol: string | undefined): string {
  if (!entries.length) return "";
  const chunks = new Set(entries.map((e) => e.chunks));
  const parts = [
    chunks.size === 1
      ? `${letters(entries.map((e) => e.buildType))} ${entries[0].chunks}`
      : entries.map((e) => `${e.buildType[0]}${e.chunks}`).join(" "),
  ];
  const tiers = new Set(entries.map((e) => e.tier));
  if (tiers.size > 1 || !tiers.has(1)) parts.push(`t${[...tiers].join("/")}`);
  const schedulers = new Set(entries.map((e) => e.scheduler));
  if (schedulers.size > 1 || !schedulers.has("both"))
    parts.push([...schedulers].map((s) => (s === "buildbot" ? "bb" : s === "taskcluster" ? "tc" : "bb+tc")).join("/"));
  const symbols = new Set(entries.map((e) => e.symbol));
  if (symbols.size > 1 || !symbols.has(rowSymbol ?? "")) parts.push([...symbols].join("/"));
  return parts.join(" ");
}

export const MATRIX_LEGEND =
  "cell: build types (o opt, d debug) and chunks, e.g. `od 5`, or `o2 d4` when they differ; then, where not the usual, tier (t2, t3), scheduler (bb: buildbot only, tc: TaskCluster only) and the Treeherder symbol when it differs from the row's; `.`: not run";

/** Suites × platforms as an aligned table, one per branch. */
export function renderMatrix(m: BranchMatrix): string {
  const header = ["suite", "symbol", ...m.platforms.map((p) => p.name)];
  const body = m.suites.map((row) => {
    const symbol = usual(row, (e) => e.symbol);
    return [row.suite, symbol ?? "", ...m.platforms.map((p) => cellText(row.cells[p.name] ?? [], symbol) || ".")];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd()}\n`;
  const counts = `${m.suites.length} suites × ${m.platforms.length} platforms, ${m.jobs} jobs`;
  return `${m.branch}: ${counts}\n${line(header)}${body.map(line).join("")}`;
}
