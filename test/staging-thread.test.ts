/** The staging thread: results, file-system errors and producer errors come back to the file they belong to. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { closeSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { statOf } from "../src/cache/file-stats.js";
import { type CopySource, streamedFile, textFile } from "../src/emit/output-file.js";
import { sha256 } from "../src/manifest.js";
import { stagedPath } from "../src/write/journal.js";
import { STAGING_WORKER, stagingThread } from "../src/write/staging-thread.js";

const big = Array.from({ length: 100_000 }, (_, i) => `entry ${i} ${"ß".repeat(i % 5)}\n`).join(""); // ~1.5 MiB

test("staging thread: the worker runs the code the tests run (src/ through tsx), not a build in dist/", () => {
  assert.equal(STAGING_WORKER.href, new URL("../src/write/staging-worker.ts", import.meta.url).href);
});

test("staging thread: files of every size are staged whole, in order, with their hashes", async () => {
  const root = mkdtempSync(join(tmpdir(), "jobdef-thread-"));
  const stage = join(root, "stage");
  mkdirSync(stage);
  writeFileSync(join(root, "same.txt"), "unchanged\n");
  const files = [
    streamedFile("a/graph.json", (out) => {
      for (let i = 0; i < big.length; i += 3000) out.write(big.slice(i, i + 3000));
    }),
    textFile("b/big.txt", big),
    textFile("same.txt", "unchanged\n"),
    textFile("empty.txt", ""),
  ];
  const thread = stagingThread();
  const results = await Promise.all(
    files.map((f) => thread.stage({ stage, path: f.path, current: join(root, f.path), known: undefined }, f)),
  );
  assert.deepEqual(
    results.map((r) => r.staged),
    [true, true, false, true],
  );
  files.forEach((f, i) => {
    assert.equal(results[i].hash, sha256(f.content), f.path);
    if (results[i].staged) assert.equal(readFileSync(stagedPath(stage, f.path), "utf8"), f.content, f.path);
  });
  rmSync(root, { recursive: true, force: true });
});

test("staging thread: a file-system error rejects its own file with its code; the others are staged", async () => {
  const root = mkdtempSync(join(tmpdir(), "jobdef-thread-"));
  const stage = join(root, "stage");
  mkdirSync(join(stage, "files"), { recursive: true });
  writeFileSync(join(stage, "files", "blocked"), "a file where a directory must go\n");
  const thread = stagingThread();
  const request = (path: string) => ({ stage, path, current: join(root, path), known: undefined });
  const bad = thread.stage(request("blocked/x.json"), textFile("blocked/x.json", big));
  const good = thread.stage(request("ok.json"), textFile("ok.json", "{}\n"));
  await assert.rejects(bad, (e: NodeJS.ErrnoException) => e.code === "ENOTDIR" || e.code === "EEXIST");
  assert.equal((await good).staged, true);
  rmSync(root, { recursive: true, force: true });
});

test("staging thread: a producer that throws rejects with its error once the thread has let go", async () => {
  const root = mkdtempSync(join(tmpdir(), "jobdef-thread-"));
  const stage = join(root, "stage");
  mkdirSync(stage);
  const broken = streamedFile("broken.json", (out) => {
    out.write(big);
    throw new Error("emitter bug");
  });
  const thread = stagingThread();
  await assert.rejects(
    thread.stage({ stage, path: broken.path, current: join(root, "broken.json"), known: undefined }, broken),
    /emitter bug/,
  );
  // the thread goes on with the next file
  const next = await thread.stage(
    { stage, path: "n.txt", current: join(root, "n.txt"), known: undefined },
    textFile("n.txt", "n\n"),
  );
  assert.equal(next.hash, sha256("n\n"));
  rmSync(root, { recursive: true, force: true });
});

/** The source's descriptor and stat, as the graph pieces cache hands them to a writer (src/cache/graph-pieces.ts). */
function copySource(path: string): CopySource {
  const fd = openSync(path, "r");
  return { fd, stat: statOf(fstatSync(fd, { bigint: true })) };
}

/** A file of text pieces and ranges of `source` (each [offset, length]), as the staging thread would take it. */
function splicedFile(path: string, source: CopySource, parts: readonly (string | [number, number])[]) {
  return streamedFile(path, (out) => {
    for (const p of parts) {
      if (typeof p === "string") out.write(p);
      else out.copyRange(source, p[0], p[1]);
    }
  });
}

test("staging thread: ranges of an open file spliced between pieces are read there, whole and in order", async () => {
  const root = mkdtempSync(join(tmpdir(), "jobdef-thread-"));
  const stage = join(root, "stage");
  mkdirSync(stage);
  writeFileSync(join(root, "old.txt"), big);
  const source = copySource(join(root, "old.txt"));
  const bytes = Buffer.from(big);
  // contiguous ranges (merged into one), ranges across the 1 MiB pieces, text between them, a range past a window
  const parts: (string | [number, number])[] = [[0, 10], [10, 5], ",\n", [bytes.length - 7, 7], "x".repeat(70_000)];
  for (let at = 0; at < bytes.length; at += 300_001) parts.push([at, Math.min(300_001, bytes.length - at)], ";");
  const expected = Buffer.concat(
    parts.map((p) => (typeof p === "string" ? Buffer.from(p) : bytes.subarray(p[0], p[0] + p[1]))),
  );
  const file = splicedFile("spliced.txt", source, parts);
  try {
    const r = await stagingThread().stage(
      { stage, path: file.path, current: join(root, file.path), known: undefined },
      file,
    );
    // ranges may cut a character in two: the bytes, not a text, are what is compared
    assert.equal(r.hash, createHash("sha256").update(expected).digest("hex"));
    assert.ok(readFileSync(stagedPath(stage, file.path)).equals(expected));
    // without a spliced sink, the writer cannot take ranges (the cache then reads the bytes itself)
    assert.throws(() => file.content, /copyRange needs a spliced sink/);
  } finally {
    closeSync(source.fd);
    rmSync(root, { recursive: true, force: true });
  }
});

test("staging thread: a source edited after its copy was decided fails the file, never copies its new bytes", async () => {
  const root = mkdtempSync(join(tmpdir(), "jobdef-thread-"));
  const stage = join(root, "stage");
  mkdirSync(stage);
  const old = join(root, "old.txt");
  writeFileSync(old, big);
  const source = copySource(old);
  // the same size, another byte: only the stat tells
  writeFileSync(old, `X${big.slice(1)}`);
  const file = splicedFile("out.txt", source, ["{", [0, 100], "}"]);
  try {
    const staged = stagingThread().stage(
      { stage, path: file.path, current: join(root, file.path), known: undefined },
      file,
    );
    await assert.rejects(staged, /changed while its unchanged pieces were copied/);
  } finally {
    closeSync(source.fd);
    rmSync(root, { recursive: true, force: true });
  }
});
