/** Symbolic links in a configs tree: followed inside the root, refused (JD008) when they lead out of it. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadTree } from "../src/load.js";
import { BASE, writeTree } from "./helpers/tree.js";

const SUITE = BASE["configs/suites/plain.yml"];

function messages(root: string): string[] {
  const r = loadTree(root);
  return r.ok ? [] : r.diagnostics.map((d) => `${d.code} ${d.file}: ${d.message}`);
}

test("links: a suite file linking to a file inside the root is read", () => {
  const root = writeTree({ "shared/plain.yml": SUITE, "configs/suites/plain.yml": null });
  mkdirSync(join(root, "configs", "suites"), { recursive: true });
  symlinkSync(join(root, "shared", "plain.yml"), join(root, "configs", "suites", "plain.yml"));
  const r = loadTree(root);
  assert.ok(r.ok, messages(root).join("\n"));
  assert.equal(r.value.suites.get("plain")?.name, "plain");
});

test("links: a suite file linking out of the root is refused", () => {
  const outside = mkdtempSync(join(tmpdir(), "jobdef-outside-"));
  writeFileSync(join(outside, "plain.yml"), SUITE);
  const root = writeTree({ "configs/suites/plain.yml": null });
  mkdirSync(join(root, "configs", "suites"), { recursive: true });
  symlinkSync(join(outside, "plain.yml"), join(root, "configs", "suites", "plain.yml"));
  const m = messages(root);
  assert.equal(m.length, 1, m.join("\n"));
  assert.match(
    m[0],
    /^JD008 configs\/suites\/plain\.yml: configs\/suites\/plain\.yml is a symbolic link leaving the root/,
  );
});

test("links: a suites directory linking out of the root is refused, file by file", () => {
  const outside = mkdtempSync(join(tmpdir(), "jobdef-outside-"));
  const root = writeTree({ "configs/suites/other.yml": SUITE.replace("M()", "M(o)") });
  renameSync(join(root, "configs", "suites"), join(outside, "suites"));
  symlinkSync(join(outside, "suites"), join(root, "configs", "suites"));
  const m = messages(root);
  assert.equal(m.length, 2, m.join("\n"));
  for (const line of m) assert.match(line, /^JD008 .*is below a symbolic link leaving the root/);
});

test("links: a platforms directory linking inside the root is followed", () => {
  const root = writeTree();
  mkdirSync(join(root, "elsewhere"));
  renameSync(join(root, "configs", "platforms"), join(root, "elsewhere", "platforms"));
  symlinkSync(join(root, "elsewhere", "platforms"), join(root, "configs", "platforms"));
  const r = loadTree(root);
  assert.ok(r.ok, messages(root).join("\n"));
  assert.deepEqual([...r.value.platforms.keys()], ["linux64", "win32"]);
});
