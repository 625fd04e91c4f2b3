// The floor of a compile that must rewrite a task graph: start node, then write the graph's bytes to a new file in
// 1 MiB pieces, hashing each (the manifest's sha256) and flushing every 32 MiB and at the end, as the staging thread
// does (src/write/stage-output.ts). Plain JavaScript, so no TypeScript loader inflates it.
// Usage: node bench/graph-write-floor.mjs <task graph file> <destination file (must not exist)>
// The untimed setup (reading the graph into memory) is reported in $JOBDEF_BENCH_SETUP (wall and CPU ms).
import { createHash } from "node:crypto";
import { closeSync, fdatasyncSync, fsyncSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";

const [graph, dest] = process.argv.slice(2);
const setupStart = performance.now();
const bytes = readFileSync(graph);
const setup = performance.now() - setupStart;
const setupCpu = (process.cpuUsage().user + process.cpuUsage().system) / 1000;

const PIECE = 1 << 20;
const SYNC_EVERY = 32 << 20;
const hash = createHash("sha256");
const fd = openSync(dest, "wx");
let unsynced = 0;
for (let at = 0; at < bytes.length; at += PIECE) {
  const piece = bytes.subarray(at, at + PIECE);
  hash.update(piece);
  for (let off = 0; off < piece.length; ) off += writeSync(fd, piece, off);
  unsynced += piece.length;
  if (unsynced >= SYNC_EVERY) {
    fdatasyncSync(fd);
    unsynced = 0;
  }
}
fsyncSync(fd);
closeSync(fd);
const digest = hash.digest("hex");
if (process.env.JOBDEF_BENCH_SETUP)
  writeFileSync(process.env.JOBDEF_BENCH_SETUP, JSON.stringify({ setup, setupCpu, bytes: bytes.length, digest }));
