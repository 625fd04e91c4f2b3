/**
 * Issue 20, class 8: the limit on a compile's output (JD068), which no corpus tree can reach without gigabytes, with
 * the limit lowered in this process. The output directory must be left exactly as it was: nothing half-written.
 * (The limits on the input, JD066, JD067 and JD069, are corpus cases: test/corpus/attacks/too-many-*.)
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { inOutputDir } from "../src/cli/common.js";
import { ExitError } from "../src/cli/errors.js";
import { compile } from "../src/compile.js";
import type { Diagnostic } from "../src/diagnostics.js";
import type { OutputFile } from "../src/emit/output-file.js";
import { LIMITS } from "../src/limits.js";
import { OutputTooLargeError } from "../src/write/output-error.js";
import { writeOutput } from "../src/write.js";
import { hashTree } from "./corpus/make-tree.js";
import { writeTree } from "./helpers/tree.js";

const TARGETS = ["mozharness", "mach", "buildbot", "taskcluster"] as const;
const limits = LIMITS as { outputBytes: number };
const saved = limits.outputBytes;
afterEach(() => {
  limits.outputBytes = saved;
});

function compiledFiles(root: string): readonly OutputFile[] {
  const c = compile({ root, branches: ["central"], targets: [...TARGETS] });
  assert.ok(c.ok);
  return c.value.files;
}

function bytesOf(files: readonly OutputFile[]): number {
  return files.reduce((n, f) => n + Buffer.byteLength(f.content, "utf8"), 0);
}

/** A generated directory holding a good compile of `root`, and the files of a changed tree to write over it. */
async function priorAndNext(): Promise<{ dir: string; next: readonly OutputFile[] }> {
  const root = writeTree();
  const dir = join(root, "generated");
  const compiled = { branches: ["central"], targets: [...TARGETS] };
  await writeOutput({ dir, files: compiledFiles(root), compiled, partial: false });
  const changed = writeTree({
    "configs/suites/plain.yml": `description: Mochitest plain, changed\nharness: mochitest\ntreeherder: {symbol: "M()"}\nchunks: 3\n`,
  });
  return { dir, next: compiledFiles(changed) };
}

async function refusedAndUnchanged(dir: string, files: readonly OutputFile[]): Promise<void> {
  const before = hashTree(dir);
  await assert.rejects(
    writeOutput({ dir, files, compiled: { branches: ["central"], targets: [...TARGETS] }, partial: false }),
    (e: Error) => e instanceof OutputTooLargeError && /the limit is \d+ bytes .*nothing was written/.test(e.message),
  );
  assert.equal(hashTree(dir), before, "the output directory changed");
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.startsWith(".jobdef-")),
    [],
    "a stage or lock was left behind",
  );
}

test("JD068: files held as text over the limit are refused before the output directory is touched", async () => {
  const { dir, next } = await priorAndNext();
  const text = next.filter((f) => !f.streamed);
  limits.outputBytes = bytesOf(text) - 1;
  await refusedAndUnchanged(dir, next);
});

test("JD068: a streamed file passing the limit stops the compile before its commit; nothing is replaced", async () => {
  const { dir, next } = await priorAndNext();
  const streamed = next.filter((f) => f.streamed);
  assert.ok(streamed.length > 0, "the task graph is streamed");
  limits.outputBytes = bytesOf(next.filter((f) => !f.streamed)) + Math.floor(bytesOf(streamed) / 2);
  await refusedAndUnchanged(dir, next);
  limits.outputBytes = bytesOf(next);
  const r = await writeOutput({
    dir,
    files: next,
    compiled: { branches: ["central"], targets: [...TARGETS] },
    partial: false,
  });
  assert.ok(r.written.length > 0, "at exactly the limit, the output is written");
});

test("JD068: the CLI reports the refusal as a diagnostic, exit 1", async () => {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    written.push(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await assert.rejects(
      inOutputDir("/nowhere", { format: "json" } as Parameters<typeof inOutputDir>[1], () => {
        throw new OutputTooLargeError(11, 10);
      }),
      (e: unknown) => e instanceof ExitError && e.code === 1,
    );
  } finally {
    process.stderr.write = write;
  }
  const [d] = JSON.parse(written.join("")) as Diagnostic[];
  assert.equal(d.code, "JD068");
  assert.match(d.message, /the limit is 10 bytes/);
});
