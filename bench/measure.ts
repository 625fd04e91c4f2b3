/** Runs one measured child process: wall time from spawn to exit, peak RSS from bench/stats-hook.mjs. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPO = join(import.meta.dirname, "..");
const HOOK = join(REPO, "bench", "stats-hook.mjs");

export interface Sample {
  /** Wall milliseconds, minus any setup the child reported as untimed. */
  readonly ms: number;
  /** CPU milliseconds (user + system), minus the untimed setup's. */
  readonly cpu: number;
  /** Peak resident set size, bytes. */
  readonly rss: number;
  /** What the child reported through $JOBDEF_BENCH_SETUP, if anything. */
  readonly extra?: Record<string, number>;
}

/** Runs `node <args>` with the stats hook; throws with the child's stderr when it fails. */
export function runNode(args: readonly string[], extraNodeArgs: readonly string[] = []): Sample {
  const dir = mkdtempSync(join(tmpdir(), "jobdef-bench-"));
  const stats = join(dir, "stats.json");
  const setupFile = join(dir, "setup.json");
  try {
    const env = { ...process.env, JOBDEF_BENCH_STATS: stats, JOBDEF_BENCH_SETUP: setupFile, NODE_OPTIONS: "" };
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [...extraNodeArgs, "--import", HOOK, ...args], {
      env,
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
    const wall = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0)
      throw new Error(`node ${args.join(" ")} exited ${r.status ?? r.signal}: ${(r.stderr ?? "").slice(-2000)}`);
    const { rss, cpu } = JSON.parse(readFileSync(stats, "utf8")) as { rss: number; cpu: number };
    const extra = existsSync(setupFile)
      ? (JSON.parse(readFileSync(setupFile, "utf8")) as Record<string, number>)
      : undefined;
    return { ms: wall - (extra?.setup ?? 0), cpu: cpu - (extra?.setupCpu ?? 0), rss, extra };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
