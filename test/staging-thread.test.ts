/** The staging thread: results, file-system errors and producer errors come back to the file they belong to. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { streamedFile, textFile } from "../src/emit/output-file.js";
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
