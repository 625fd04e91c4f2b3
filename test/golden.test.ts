/** Golden files (test/golden/, test/helpers/golden.ts): a slice of every target's output, byte for byte. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { GOLDEN, goldenFiles, goldenOnDisk } from "./helpers/golden.js";

test("golden files: every target's slice of the embedded tree is as test/golden/ holds it (npm run golden rewrites)", () => {
  const files = goldenFiles();
  assert.deepEqual(goldenOnDisk(), [...files.keys()].sort(), "the set of golden files differs: npm run golden");
  for (const target of ["mozharness/", "mach/", "buildbot/", "taskcluster/"])
    assert.ok(
      [...files.keys()].some((p) => p.startsWith(target)),
      `no golden file of ${target}`,
    );
  for (const [path, text] of files)
    assert.equal(
      text,
      readFileSync(join(GOLDEN, path), "utf8"),
      `${path} differs from its golden file: npm run golden`,
    );
});
