/**
 * `npm run bench`: generates synthetic trees (bench/generate.ts), then measures on each, in one run and as child
 * processes of the compiled CLI: the parse floor, `validate`, `compile` of one branch (all targets), the I/O floor of
 * that output, `compile` of all branches and its floor; then `--help`, `validate` of the embedded tree, and the
 * cost of provenance in the merge. Prints Markdown tables (medians of --runs runs).
 *
 * Then the incremental runs of issue 22 (bench/incremental.ts) on a one-branch tree of --incremental jobs. Every
 * other compile is cold (`--no-cache`), as on a fresh clone.
 *
 * Options: --sizes 1k,10k,50k,100k   --runs 3   --skip-provenance   --incremental 50k (0: skip)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { generateTree } from "./generate.js";
import { benchIncremental, incrementalTable } from "./incremental.js";
import { median, REPO, runNode, type Sample } from "./measure.js";
import { measureProvenance } from "./provenance.js";

const JOBDEF = join(REPO, "bin", "jobdef");
const FLOOR = join(REPO, "bench", "floor.mjs");
const WORK = join(REPO, ".bench");

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const sizeOf = (s: string) => Math.round(Number.parseFloat(s) * (s.endsWith("k") ? 1000 : 1));
const sizes = option("sizes", "1k,10k,50k,100k")
  .split(",")
  .map(sizeOf)
  .filter((n) => n > 0); // --sizes none: only the incremental runs
const runs = Number(option("runs", "3"));

interface Row {
  readonly what: string;
  readonly jobs: number;
  readonly samples: Sample[];
  readonly floor?: string;
  error?: string;
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMiB = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const fmtK = (n: number) => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(n));

function ensureBuilt(): void {
  const built = ["src/cli/main.js", "validators.cjs"].every((f) => existsSync(join(REPO, "dist", f)));
  if (built && !process.argv.includes("--build")) return;
  process.stderr.write("bench: npm run build (tsc and the validators)\n");
  execFileSync("npm", ["run", "build"], { cwd: REPO, stdio: "inherit" });
}

/**
 * Runs `make` once, keeping the sample, or the error when it fails. Dirty pages are written out first (`sync`,
 * untimed): otherwise the kernel writes the previous measurement's output (up to ~1 GB for a floor) during this one.
 */
function sample(row: Row, make: () => Sample): void {
  if (row.error) return;
  flushWrites();
  try {
    row.samples.push(make());
  } catch (e) {
    row.error = (e as Error).message.split("\n").slice(0, 3).join(" ").slice(0, 300);
  }
}

function flushWrites(): void {
  try {
    execFileSync("sync", { stdio: "ignore" });
  } catch {
    // no sync(1) here (Windows): measurements may then overlap the previous one's writeback
  }
}

function benchSize(size: number): Row[] {
  const root = join(WORK, `tree-${fmtK(size)}`);
  const g = generateTree(root, { jobs: size });
  process.stderr.write(
    `bench: ${root}: ${g.jobsPerBranch} jobs per branch, ${g.suites} suites, ${g.platforms} platforms, ${g.branches.length} branches, ${g.files} files\n`,
  );
  const all = g.jobsPerBranch * g.branches.length;
  const branch = g.branches[0];
  const out = (name: string) => join(WORK, "out", name);
  const rows = {
    parse: { what: "floor: parse inputs", jobs: all, samples: [] } as Row,
    validate: { what: "validate", jobs: all, samples: [], floor: "parse" } as Row,
    floorOne: { what: "floor: 1 branch", jobs: g.jobsPerBranch, samples: [] } as Row,
    compileOne: { what: "compile 1 branch, 4 targets", jobs: g.jobsPerBranch, samples: [], floor: "floorOne" } as Row,
    recompileOne: {
      what: "… again, nothing changed",
      jobs: g.jobsPerBranch,
      samples: [],
      floor: "floorOne",
    } as Row,
    floorAll: { what: `floor: ${g.branches.length} branches`, jobs: all, samples: [] } as Row,
    compileAll: {
      what: `compile ${g.branches.length} branches, 4 targets`,
      jobs: all,
      samples: [],
      floor: "floorAll",
    } as Row,
  };
  for (let run = 0; run < runs; run++) {
    rmSync(join(WORK, "out"), { recursive: true, force: true });
    mkdirSync(join(WORK, "out"), { recursive: true });
    sample(rows.parse, () => runNode([FLOOR, root, "-", out("parse")]));
    sample(rows.validate, () => runNode([JOBDEF, "validate", "--root", root]));
    const compileOne = [JOBDEF, "compile", "--root", root, "--branch", branch, "--out", out("one"), "-q", "--no-cache"];
    sample(rows.compileOne, () => runNode(compileOne));
    sample(rows.recompileOne, () => runNode(compileOne)); // the same output again: nothing to write
    if (!rows.compileOne.error) sample(rows.floorOne, () => runNode([FLOOR, root, out("one"), out("floor-one")]));
    sample(rows.compileAll, () =>
      runNode([JOBDEF, "compile", "--root", root, "--out", out("all"), "-q", "--no-cache"]),
    );
    if (!rows.compileAll.error) sample(rows.floorAll, () => runNode([FLOOR, root, out("all"), out("floor-all")]));
    process.stderr.write(`bench: ${fmtK(size)} run ${run + 1}/${runs} done\n`);
  }
  rmSync(join(WORK, "out"), { recursive: true, force: true });
  const byName = rows as Record<string, Row>;
  results.set(size, byName);
  return Object.values(rows).map((r) => ({ ...r, floor: r.floor ? fmtRatio(r, byName[r.floor]) : "" }));
}

const wallOf = (r: Row | undefined) => (r?.samples.length ? median(r.samples.map((s) => s.ms)) : Number.NaN);
const cpuOf = (r: Row | undefined) => (r?.samples.length ? median(r.samples.map((s) => s.cpu)) : Number.NaN);
const rssOf = (r: Row | undefined) => (r?.samples.length ? median(r.samples.map((s) => s.rss)) : Number.NaN);

function fmtRatio(row: Row, floor: Row): string {
  if (!row.samples.length || !floor.samples.length) return "—";
  return `${(wallOf(row) / wallOf(floor)).toFixed(2)}× (CPU ${(cpuOf(row) / cpuOf(floor)).toFixed(2)}×)`;
}

function table(size: number, rows: Row[]): string {
  const lines = [
    `#### ${fmtK(size)} jobs per branch`,
    "",
    "| measurement | jobs | wall (median) | CPU | ratio to floor | peak RSS | jobs/s |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    if (r.error || !r.samples.length) {
      lines.push(`| ${r.what} | ${r.jobs} | failed: ${r.error ?? "not run"} | | | | |`);
      continue;
    }
    const ms = wallOf(r);
    lines.push(
      `| ${r.what} | ${r.jobs} | ${fmtMs(ms)} | ${fmtMs(cpuOf(r))} | ${r.floor || "1.00×"} | ${fmtMiB(rssOf(r))} | ${Math.round(r.jobs / (ms / 1000))} |`,
    );
  }
  return lines.join("\n");
}

/** Rows by size, for the targets. */
const results = new Map<number, Record<string, Row>>();
const miscRows: Record<string, Row> = {};

function targets(provenance: number | undefined): string {
  const at = (size: number, name: string) => results.get(size)?.[name];
  const c50 = at(50_000, "compileOne");
  const check = (what: string, value: number, limit: number, show: (v: number) => string) =>
    `| ${what} | ${Number.isNaN(value) ? "not measured" : show(value)} | ${show(limit)} | ${Number.isNaN(value) ? "—" : value <= limit ? "met" : "**not met**"} |`;
  const x = (v: number) => `${v.toFixed(2)}×`;
  const ratio100 = wallOf(at(100_000, "compileOne")) / wallOf(at(10_000, "compileOne"));
  return [
    "| target | measured | limit | |",
    "|---|---:|---:|---|",
    check("50k-job branch, 4 targets: wall", wallOf(c50), 2000, fmtMs),
    check("… ratio to the floor (wall)", wallOf(c50) / wallOf(at(50_000, "floorOne")), 1.5, x),
    check("… peak RSS", rssOf(c50), 2 ** 30, fmtMiB),
    check("`validate` of that tree", wallOf(at(50_000, "validate")), 1000, fmtMs),
    check("time(100k) / time(10k), compile 1 branch", ratio100, 11, x),
    check("`jobdef --help`", wallOf(miscRows.help), 150, fmtMs),
    check("`validate` of the embedded tree", wallOf(miscRows.embedded), 500, fmtMs),
    check("provenance overhead of the merge", provenance ?? Number.NaN, 30, (v) => `${v.toFixed(0)}%`),
  ].join("\n");
}

function misc(): string {
  const help: Row = { what: "`jobdef --help`", jobs: 0, samples: [] };
  const embedded: Row = { what: "`jobdef validate` (embedded tree)", jobs: 0, samples: [] };
  miscRows.help = help;
  miscRows.embedded = embedded;
  for (let run = 0; run < Math.max(runs, 5); run++) {
    sample(help, () => runNode([JOBDEF, "--help"]));
    sample(embedded, () => runNode([JOBDEF, "validate", "--root", REPO]));
  }
  const line = (r: Row) =>
    r.error
      ? `| ${r.what} | failed: ${r.error} | |`
      : `| ${r.what} | ${fmtMs(median(r.samples.map((s) => s.ms)))} | ${fmtMiB(median(r.samples.map((s) => s.rss)))} |`;
  return ["| command | wall (median) | peak RSS |", "|---|---:|---:|", line(help), line(embedded)].join("\n");
}

function main(): void {
  ensureBuilt();
  mkdirSync(WORK, { recursive: true });
  const cpu = cpus();
  const out: string[] = [
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${fmtMiB(totalmem())} RAM, Node ${process.version}, ${process.platform}; medians of ${runs} runs.`,
    "",
  ];
  let provenanceRoot: string | undefined;
  let provenance: number | undefined;
  for (const size of sizes) {
    out.push(table(size, benchSize(size)), "");
    if (!provenanceRoot && size >= 10_000) provenanceRoot = join(WORK, `tree-${fmtK(size)}`);
  }
  out.push(misc(), "");
  const incremental = sizeOf(option("incremental", "50k"));
  if (incremental > 0) {
    const rows = benchIncremental(incremental, runs, WORK, JOBDEF, (into, make) => {
      const row: Row = { what: "", jobs: 0, samples: into };
      sample(row, make);
      if (row.error) process.stderr.write(`bench: incremental: ${row.error}\n`);
    });
    out.push(incrementalTable(rows), "");
  }
  if (!process.argv.includes("--skip-provenance")) {
    if (!provenanceRoot) {
      provenanceRoot = join(WORK, "tree-10k");
      generateTree(provenanceRoot, { jobs: 10_000 });
    }
    const p = measureProvenance(provenanceRoot, Math.max(runs, 5));
    out.push(p.table, "");
    provenance = p.overhead;
  }
  out.push(targets(provenance), "");
  process.stdout.write(`${out.join("\n")}\n`);
}

main();
