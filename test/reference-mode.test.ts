/**
 * The fast compile shares work between jobs (merge caches, chunk templates); the reference mode does not: every job
 * is merged from all its layers and every task rendered on its own. On generated trees (the bench's generator, with
 * keyed-by values and list operators in several shares), both must give the same bytes for every file.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { type GenerateOptions, generateTree } from "../bench/generate.js";
import { compile } from "../src/compile.js";
import type { OutputFile } from "../src/emit/output-file.js";

const dir = mkdtempSync(join(tmpdir(), "jobdef-reference-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Path → sha256 of every file a compile of the tree's checked-in branches and targets writes. */
function digests(root: string, reference: boolean): Map<string, string> {
  const r = compile({ root, reference });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics.slice(0, 5)));
  return new Map(r.value.files.map((f) => [f.path, digest(f)]));
}

function digest(file: OutputFile): string {
  const hash = createHash("sha256");
  file.writeTo((bytes) => hash.update(bytes));
  return hash.digest("hex");
}

function assertSameOutput(name: string, options: GenerateOptions): void {
  const tree = generateTree(join(dir, name), options);
  assert.ok(tree.jobsPerBranch >= options.jobs);
  const fast = digests(tree.root, false);
  const reference = digests(tree.root, true);
  assert.deepEqual([...fast.keys()], [...reference.keys()]);
  const differing = [...fast].filter(([path, hash]) => reference.get(path) !== hash).map(([path]) => path);
  assert.deepEqual(differing, [], `${name}: files differ between the fast and the reference compile`);
}

const DEADLINE = { timeout: 10 * 60_000 };

test("reference mode: small trees of several seeds and shares of keyed-by values and operators", DEADLINE, () => {
  const cases: [string, GenerateOptions][] = [
    ["plain", { jobs: 400, seed: 1, keyedShare: 0, operatorShare: 0, branches: 2 }],
    ["keyed", { jobs: 400, seed: 2, keyedShare: 0.9, operatorShare: 0.1, branches: 3, platforms: 9 }],
    ["operators", { jobs: 400, seed: 3, keyedShare: 0.3, operatorShare: 0.9, maxChunks: 20, branches: 2 }],
  ];
  for (const [name, options] of cases) assertSameOutput(name, options);
});

test("reference mode: a tree of 10,000 jobs per branch", DEADLINE, () => {
  assertSameOutput("10k", { jobs: 10_000, branches: 2 });
});
