/** `jobdef check`: stale, missing and extra files are listed with a diff and exit 1; an up-to-date directory exits 0. */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createTwoFilesPatch } from "diff";
import fc from "fast-check";
import { unifiedDiff } from "../src/check.js";
import { parseManifest } from "../src/manifest.js";
import { runCli, writeTree } from "./helpers/tree.js";

function compiledTree(): { root: string; dir: string; files: string[] } {
  const root = writeTree();
  const r = runCli(["compile", "--root", root, "--quiet"], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  const dir = join(root, "generated");
  // types/ is written by `npm run generate`, never compared.
  mkdirSync(join(dir, "types"), { recursive: true });
  writeFileSync(join(dir, "types", "index.ts"), "export {};\n");
  const files = Object.keys(parseManifest(readFileSync(join(dir, "manifest.json"), "utf8")).files);
  assert.ok(files.length > 0, "the fixture compiles to some files");
  return { root, dir, files };
}

test("an up-to-date directory passes", () => {
  const { root } = compiledTree();
  const r = runCli(["check", "--root", root], { cwd: root });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /is up to date \(\d+ files\)/);
  rmSync(root, { recursive: true, force: true });
});

test("stale: a hand-edited file is listed with a unified diff", () => {
  const { root, dir, files } = compiledTree();
  const victim = files[0];
  writeFileSync(join(dir, victim), `${readFileSync(join(dir, victim), "utf8")}hand edit\n`);
  const r = runCli(["check", "--root", root], { cwd: root });
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`^stale   generated/${victim}$`, "m"));
  assert.match(r.stdout, new RegExp(`^--- a/generated/${victim}$`, "m"));
  assert.match(r.stdout, /^-hand edit$/m);
  assert.match(r.stderr, /1 stale, 0 missing, 0 extra; run `jobdef compile`/);
  rmSync(root, { recursive: true, force: true });
});

test("stale: a config change makes compiled files and the manifest stale", () => {
  const { root } = compiledTree();
  writeFileSync(
    join(root, "configs/suites/plain.yml"),
    readFileSync(join(root, "configs/suites/plain.yml"), "utf8").replace("chunks: 2", "chunks: 3"),
  );
  const r = runCli(["check", "--root", root], { cwd: root });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^stale {3}generated\/manifest\.json$/m);
  assert.match(r.stdout, /^@@ /m);
  rmSync(root, { recursive: true, force: true });
});

test("missing: a deleted file is listed, its diff from /dev/null", () => {
  const { root, dir, files } = compiledTree();
  unlinkSync(join(dir, files[0]));
  const r = runCli(["check", "--root", root], { cwd: root });
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`^missing generated/${files[0]}$`, "m"));
  assert.match(r.stdout, /^--- \/dev\/null$/m);
  assert.match(r.stderr, /0 stale, 1 missing, 0 extra/);
  rmSync(root, { recursive: true, force: true });
});

test("extra: a file nothing produces is listed; types/ and jobdef's bookkeeping are not", () => {
  const { root, dir } = compiledTree();
  mkdirSync(join(dir, "mach", "old-branch"), { recursive: true });
  writeFileSync(join(dir, "mach", "old-branch", "linux64.json"), "{}\n");
  const r = runCli(["check", "--root", root], { cwd: root });
  assert.equal(r.code, 1);
  assert.equal(
    r.stdout
      .split("\n")
      .filter((l) => /^(stale|missing|extra)/.test(l))
      .join("\n"),
    "extra   generated/mach/old-branch/linux64.json",
  );
  assert.match(r.stderr, /0 stale, 0 missing, 1 extra/);
  rmSync(root, { recursive: true, force: true });
});

test("--out, and a directory that does not exist: everything is missing", () => {
  const { root } = compiledTree();
  const r = runCli(["check", "--root", root, "--out", join(root, "nowhere"), "--diffs", "0"]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^missing .*nowhere\/manifest\.json$/m);
  assert.doesNotMatch(r.stdout, /^---/m);
  rmSync(root, { recursive: true, force: true });
});

test("unifiedDiff: the same patch as diffing whole files, from the first difference on", () => {
  const whole = (onDisk: string | undefined, expected: string | undefined) => {
    const patch = createTwoFilesPatch(
      onDisk === undefined ? "/dev/null" : "a/f.json",
      expected === undefined ? "/dev/null" : "b/f.json",
      onDisk ?? "",
      expected ?? "",
      undefined,
      undefined,
      { context: 3 },
    );
    const lines = patch.split("\n").filter((l, i) => !(i === 0 && l.startsWith("====")));
    if (lines.at(-1) === "") lines.pop();
    const cut = lines.length > 60 ? [...lines.slice(0, 60), `... (${lines.length - 60} more lines)`] : lines;
    return `${cut.join("\n")}\n`;
  };
  const text = fc.array(fc.constantFrom("a\n", "b\n", "c\n", "d\n", "e", ""), { maxLength: 60 }).map((l) => l.join(""));
  fc.assert(
    fc.property(fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), (x, y) => {
      assert.equal(unifiedDiff("f.json", x, y), whole(x, y));
    }),
    { numRuns: 2000, seed: 20151128 },
  );
});

test("unifiedDiff: a large file changed everywhere is diffed over a window, with positions in the whole file", () => {
  const onDisk = Array.from({ length: 100_000 }, (_, i) => `line ${i}\n`).join("");
  const expected = onDisk.replace(/line (\d+)\n/g, (m, n) => (Number(n) >= 50_000 ? `LINE ${n}\n` : m));
  const out = unifiedDiff("g.json", onDisk, expected).split("\n");
  assert.equal(out[2], "@@ -49998,2000 +49998,2000 @@");
  assert.equal(out[3], " line 49997");
  assert.equal(out[6], "-line 50000");
  assert.equal(out.at(-2), "... (diff of lines 49998-51997 only)");
});
