/**
 * Issue 20, class 8: how the resource-hungry inputs of the audit cost now. Each case is a generated tree run by the
 * real CLI under /usr/bin/time (wall, CPU = user + sys, peak RSS), the output size measured after. A measurement
 * script, not a test: the figures go to docs/performance.md.
 *
 *   node --import tsx bench/hostile-resources.ts [runs] [other bin/jobdef ...]
 *
 * With other builds' `bin/jobdef` (a checkout of an older commit, built), each run alternates between them and this
 * one, so that the ratios come from one run of a shared, noisy machine.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BASE } from "../test/corpus/make-tree.js";

const BINS = [join(import.meta.dirname, "..", "bin", "jobdef"), ...process.argv.slice(3)];
const RUNS = Number(process.argv[2] ?? 3);

const CASES: Record<string, (root: string) => void> = {
  "20,000 suite files": (root) => {
    for (let i = 0; i < 20_000; i++)
      writeFileSync(
        join(root, `configs/suites/s${i}.yml`),
        `description: suite ${i}\nharness: mochitest\ntreeherder: {symbol: S${i}}\nrun-on: {platforms: [linux64], build-types: [opt]}\n`,
      );
  },
  "100,000 env keys in one suite": (root) => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `  K${i}: value-${i}\n`).join("");
    writeFileSync(
      join(root, "configs/suites/busy.yml"),
      `description: busy\nharness: mochitest\ntreeherder: {symbol: B}\nenv:\n${keys}`,
    );
  },
};

interface Figures {
  wall: number;
  cpu: number;
  rssMb: number;
  code: number | null;
}

function timed(bin: string, args: string[]): Figures {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", process.execPath, bin, ...args], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const [wall, user, sys, rss] = r.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
  return { wall, cpu: user + sys, rssMb: rss / 1024, code: r.status };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n;
}

for (const [name, make] of Object.entries(CASES)) {
  const tmp = mkdtempSync(join(tmpdir(), "jobdef-hostile-bench-"));
  try {
    cpSync(join(BASE, "configs"), join(tmp, "configs"), { recursive: true });
    make(tmp);
    for (const command of ["validate", "compile"]) {
      const runs = BINS.map(() => [] as Figures[]);
      const output = BINS.map(() => "");
      for (let i = 0; i < RUNS; i++)
        BINS.forEach((bin, b) => {
          rmSync(join(tmp, "generated"), { recursive: true, force: true });
          runs[b].push(timed(bin, [command, "--root", tmp, "--no-cache", ...(command === "compile" ? ["-q"] : [])]));
          if (command === "compile")
            output[b] = `, output ${(bytesUnder(join(tmp, "generated")) / 2 ** 20).toFixed(1)} MiB`;
        });
      BINS.forEach((bin, b) => {
        const r = runs[b];
        process.stdout.write(
          `${name} | ${command} | ${bin} | wall ${median(r.map((x) => x.wall)).toFixed(2)} s | CPU ${median(r.map((x) => x.cpu)).toFixed(2)} s | peak RSS ${median(r.map((x) => x.rssMb)).toFixed(0)} MB | exit ${r[0].code}${output[b]}\n`,
        );
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
