/**
 * Issue 20, class 2: the generated directory is not trusted. A symbolic link in it is never written, read or deleted
 * through; a FIFO or another odd file is refused, not waited on; a file edited since jobdef wrote it is neither
 * overwritten nor deleted without --force; the output may not be the root or inside configs/ or schemas/, and the
 * tree's generated-dir may not lead out of the tree through a link. Every refusal is JD063 (JD013 for the
 * setting itself, in the corpus), exits 1 and writes nothing. The real CLI runs in a child process killed at a
 * deadline, so a hang fails instead of stalling.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { hashTree } from "./corpus/make-tree.js";
import { changeConfigs, compiledTree } from "./helpers/compiled-tree.js";
import { jobdefBefore } from "./helpers/deadline.js";
import { writeTree } from "./helpers/tree.js";

const outside = mkdtempSync(join(tmpdir(), "jobdef-outside-"));
after(() => rmSync(outside, { recursive: true, force: true }));

function refused(root: string, args: string[] = [], pattern: RegExp): void {
  const before = hashTree(root);
  const beforeOutside = hashTree(outside);
  const r = jobdefBefore(["compile", "--root", root, ...args]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, pattern);
  assert.equal(hashTree(root), before, "the tree or its output changed");
  assert.equal(hashTree(outside), beforeOutside, "a file outside the tree changed");
}

test("class 2: a directory of the output that is a symbolic link is refused; nothing is written through it", () => {
  const { root, gen } = compiledTree();
  const target = join(outside, "mach-dir");
  renameSync(join(gen, "mach"), target);
  symlinkSync(target, join(gen, "mach"));
  changeConfigs(root);
  refused(root, [], /error JD063: .*mach is a symbolic link \(jobdef never writes, reads or deletes through one\)/);
});

test("class 2: an output file that is a symbolic link is refused, and its target is neither written nor deleted", () => {
  const { root, gen } = compiledTree();
  const target = join(outside, "victim.json");
  writeFileSync(target, "precious\n");
  rmSync(join(gen, "mach/central/linux64.json"));
  symlinkSync(target, join(gen, "mach/central/linux64.json"));
  changeConfigs(root);
  refused(root, [], /JD063: .*mach\/central\/linux64\.json is a symbolic link/);
  // a file to delete (its platform is gone) that is a link: the target stays
  rmSync(join(root, "configs/platforms/linux64.yml"));
  writeFileSync(join(root, "configs/suites/plain.yml"), readFileSync(join(root, "configs/suites/plain.yml"), "utf8"));
  refused(root, ["--force"], /JD063: .*mach\/central\/linux64\.json is a symbolic link/);
  assert.equal(readFileSync(target, "utf8"), "precious\n");
});

test("class 2: a FIFO where an output file or the manifest goes is refused at once by compile and check (no hang)", () => {
  const { root, gen } = compiledTree();
  rmSync(join(gen, "buildbot/central.py"));
  spawnSync("mkfifo", [join(gen, "buildbot/central.py")]);
  refused(root, [], /JD063: .*buildbot\/central\.py is a FIFO where a generated file goes/);
  const check = jobdefBefore(["check", "--root", root]);
  assert.equal(check.code, 1, check.stderr);
  assert.match(check.stderr, /JD063: .*buildbot\/central\.py is a FIFO/);
  rmSync(join(gen, "buildbot/central.py"));
  rmSync(join(gen, "manifest.json"));
  spawnSync("mkfifo", [join(gen, "manifest.json")]);
  refused(root, ["--no-cache"], /JD063: .*manifest\.json is a FIFO/);
  assert.equal(jobdefBefore(["check", "--root", root]).code, 1);
});

test("class 2: an edited output file is neither overwritten nor deleted without --force, and the refusal names it", () => {
  const { root, gen } = compiledTree();
  appendFileSync(join(gen, "mach/central/linux64.json"), "// a hand edit\n");
  changeConfigs(root);
  refused(
    root,
    [],
    /JD063: .*1 generated file was edited since jobdef wrote it .*: mach\/central\/linux64\.json; .*--force/,
  );
  // to delete: win32 goes away, its edited file stays
  appendFileSync(join(gen, "mozharness/central/win32.py"), "# a hand edit\n");
  rmSync(join(root, "configs/platforms/win32.yml"));
  refused(root, [], /2 generated files were edited .*: mach\/central\/linux64\.json, mozharness\/central\/win32\.py/);
  const forced = jobdefBefore(["compile", "--root", root, "--force", "-q"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.doesNotMatch(readFileSync(join(gen, "mach/central/linux64.json"), "utf8"), /a hand edit/);
  assert.equal(existsSync(join(gen, "mozharness/central/win32.py")), false);
  // the edit is gone, so the next compile is quiet again
  assert.equal(jobdefBefore(["compile", "--root", root, "-q"]).code, 0);
});

test("class 2: --out may not be the root or inside configs/ or schemas/ (compile and check)", () => {
  const root = writeTree();
  mkdirSync(join(root, "schemas"));
  for (const out of [root, join(root, "configs"), join(root, "configs/suites/out"), join(root, "schemas/x")]) {
    refused(root, ["--out", out], /error JD063: cannot use .* as the generated directory: .*(is the root|holds input)/);
    const check = jobdefBefore(["check", "--root", root, "--out", out]);
    assert.equal(check.code, 1, check.stderr);
    assert.match(check.stderr, /JD063/);
  }
});

test("class 2: a generated-dir that is a link leading out of the tree, or into configs/, is refused", () => {
  const root = writeTree();
  symlinkSync(outside, join(root, "out"));
  symlinkSync(join(root, "configs"), join(root, "conf"));
  const defaults = readFileSync(join(root, "configs/defaults.yml"), "utf8");
  writeFileSync(join(root, "configs/defaults.yml"), defaults.replace("tree:\n", "tree:\n  generated-dir: out\n"));
  refused(root, [], /JD063: .*out leads outside the tree \(to .*\) through a symbolic link/);
  writeFileSync(join(root, "configs/defaults.yml"), defaults.replace("tree:\n", "tree:\n  generated-dir: conf/x\n"));
  refused(root, [], /JD063: .*conf\/x is inside configs\//);
});
