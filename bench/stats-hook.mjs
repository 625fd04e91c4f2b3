// Loaded with `node --import` into every measured child: on exit, writes the process's peak RSS (bytes) and its
// age (ms since the process started) to $JOBDEF_BENCH_STATS, for bench/run.ts.
import { writeFileSync } from "node:fs";

const out = process.env.JOBDEF_BENCH_STATS;
if (out) {
  process.on("exit", () => {
    const rss = process.resourceUsage().maxRSS * 1024;
    writeFileSync(out, JSON.stringify({ rss, ms: performance.now() }));
  });
}
