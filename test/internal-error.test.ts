/**
 * The internal-error path, reached for real: a jobdef installation without its schemas/ directory throws inside the
 * command. The CLI boundary must report an internal error asking for a bug report, exit 70, print the stack only
 * under --debug, and write nothing.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BASE, hashTree } from "./corpus/make-tree.js";

const REPO = join(import.meta.dirname, "..");
const STACK = /^\s+at .+[(:]\d+/m;
let tmp = "";

before(() => {
  // bin/ and dist/ without schemas/: PACKAGE_ROOT cannot be found once a command loads the library.
  tmp = mkdtempSync(join(tmpdir(), "jobdef-internal-"));
  for (const dir of ["bin", "dist"]) cpSync(join(REPO, dir), join(tmp, "install", dir), { recursive: true });
  cpSync(join(REPO, "package.json"), join(tmp, "install", "package.json"));
  symlinkSync(join(REPO, "node_modules"), join(tmp, "install", "node_modules"));
  cpSync(join(BASE, "configs"), join(tmp, "root", "configs"), { recursive: true });
  const good = spawnSync(join(REPO, "bin", "jobdef"), ["compile", "--root", join(tmp, "root"), "-q"], {
    encoding: "utf8",
  });
  assert.equal(good.status, 0, good.stderr);
});

after(() => rmSync(tmp, { recursive: true, force: true }));

function broken(...args: string[]) {
  return spawnSync(join(tmp, "install", "bin", "jobdef"), [...args, "--root", join(tmp, "root")], { encoding: "utf8" });
}

test("an unexpected exception is an internal error: exit 70, a request to report it, no stack, nothing written", () => {
  const before = hashTree(join(tmp, "root"));
  for (const command of ["compile", "validate", "list"]) {
    const r = broken(command);
    assert.equal(r.status, 70, `${command}: ${r.stderr}`);
    assert.match(r.stderr, /internal error/);
    assert.match(r.stderr, /please report/);
    assert.match(r.stderr, /--debug/);
    assert.doesNotMatch(r.stderr, STACK);
    assert.equal(r.stdout, "");
  }
  assert.equal(hashTree(join(tmp, "root")), before, "the tree or its generated/ changed");
});

test("--debug adds the stack of the internal error", () => {
  const r = broken("compile", "--debug");
  assert.equal(r.status, 70);
  assert.match(r.stderr, /internal error/);
  assert.match(r.stderr, STACK);
});

test("--format json does not hide an internal error", () => {
  const r = broken("validate", "--format", "json");
  assert.equal(r.status, 70);
  assert.match(r.stderr, /internal error/);
  assert.doesNotMatch(r.stderr, STACK);
});
