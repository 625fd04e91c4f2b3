// Loaded with `node --import` into every measured child: on exit, writes the process's peak RSS (bytes) and its
// CPU time (user + system, ms) to $JOBDEF_BENCH_STATS, for bench/run.ts.
import { writeFileSync } from "node:fs";

const out = process.env.JOBDEF_BENCH_STATS;
if (out) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ rss: u.maxRSS * 1024, cpu: (u.userCPUTime + u.systemCPUTime) / 1000 }));
  });
}
