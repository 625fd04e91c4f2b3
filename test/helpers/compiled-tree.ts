/** A small tree (helpers/tree.ts) with a good compile in its generated/, for the tests of what may go wrong after. */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { jobdefBefore } from "./deadline.js";
import { writeTree } from "./tree.js";

export function compiledTree(): { root: string; gen: string } {
  const root = writeTree();
  const r = jobdefBefore(["compile", "--root", root, "-q"]);
  assert.equal(r.code, 0, r.stderr);
  return { root, gen: join(root, "generated") };
}

/** Makes the next compile change every file (more chunks). */
export function changeConfigs(root: string): void {
  const suite = join(root, "configs/suites/plain.yml");
  writeFileSync(suite, readFileSync(suite, "utf8").replace("chunks: 2", "chunks: 3"));
}
