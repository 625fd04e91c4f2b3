/**
 * Issue 20, class 7: no input is skipped without a word. A suite in a subdirectory, a `.yaml` or `.YML` file and a
 * misspelled configs directory are errors (the corpus holds one case each); a kept-aside copy (`x.yml~`) is a
 * warning; README.md and hidden files are ignored; and a no-op compile never proves such a tree current.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, writeTree } from "./helpers/tree.js";

const SUITE = 'description: d\nharness: mochitest\ntreeherder: {symbol: "N()"}\n';

test("class 7: a kept-aside copy is a warning naming the file; README.md and hidden files are ignored", () => {
  const root = writeTree({
    "configs/suites/plain.yml~": SUITE,
    "configs/suites/plain.yml.orig": SUITE,
    "configs/suites/README.md": "# suites\n",
    "configs/suites/.gitkeep": "",
    "configs/README.md": "# configs\n",
  });
  const r = runCli(["validate", "--root", root]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^configs\/suites\/plain\.yml~:1:1: warning JD014: configs\/suites\/plain\.yml~ is not read/m);
  assert.match(r.stderr, /^configs\/suites\/plain\.yml\.orig:1:1: warning JD014:/m);
  assert.match(r.stderr, /0 errors, 2 warnings/);
  assert.equal(runCli(["validate", "--root", root, "--strict"]).code, 1);
});

test("class 7: a .yaml file added after a compile is reported, not proven away by the up-to-date check", () => {
  const root = writeTree();
  assert.equal(runCli(["compile", "--root", root, "-q"]).code, 0);
  assert.match(runCli(["compile", "--root", root]).stderr, /up to date/);
  writeFileSync(join(root, "configs/suites/new.yaml"), SUITE);
  const r = runCli(["compile", "--root", root]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /configs\/suites\/new\.yaml:1:1: error JD014: .* rename it to new\.yml/);
  const check = runCli(["check", "--root", root]);
  assert.equal(check.code, 1, check.stderr);
  assert.match(check.stderr, /JD014/);
});

test("class 7: the embedded tree reads every file it holds (its README.md is ignored)", () => {
  const r = runCli(["validate", "--strict"]);
  assert.equal(r.code, 0, r.stderr);
});
