// The I/O floor of a compile: parse every input file with `yaml`, then serialise with JSON.stringify and write
// output of the same size as a real compile's. Plain JavaScript, so no TypeScript loader inflates it.
// Usage: node bench/floor.mjs <tree root> <reference output dir, or - for parsing only> <destination dir>
// The untimed setup (reading the reference output into values) is reported in $JOBDEF_BENCH_SETUP (wall and CPU ms).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const [root, reference, dest] = process.argv.slice(2);
const setupStart = performance.now();

/** Every file below `dir`, as paths relative to it. */
function walk(dir, prefix = "") {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

// Setup: the output as JSON values (JSON files as they are, other files as their lines), outside the timing.
const outputs = (reference === "-" ? [] : walk(reference)).sort().map((path) => {
  const text = readFileSync(join(reference, path), "utf8");
  return { path, value: path.endsWith(".json") ? JSON.parse(text) : text.split("\n") };
});
const setup = performance.now() - setupStart;
const setupCpu = (process.cpuUsage().user + process.cpuUsage().system) / 1000;

// Timed: import yaml, parse every input, stringify and write every output.
const { parse } = await import("yaml");
const inputs = walk(join(root, "configs")).filter((p) => p.endsWith(".yml"));
let parsed = 0;
for (const p of inputs) if (parse(readFileSync(join(root, "configs", p), "utf8"))) parsed++;
let bytes = 0;
for (const { path, value } of outputs) {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  bytes += text.length;
  mkdirSync(dirname(join(dest, path)), { recursive: true });
  writeFileSync(join(dest, path), text);
}
if (process.env.JOBDEF_BENCH_SETUP)
  writeFileSync(process.env.JOBDEF_BENCH_SETUP, JSON.stringify({ setup, setupCpu, parsed, bytes }));
