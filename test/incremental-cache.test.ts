/**
 * What the cache spares, and where it must not: an edit expands only the units it reaches (src/cache/unit-store.ts)
 * and renders only their task graph entries, the others copied from the last output (src/cache/graph-pieces.ts),
 * and only while that file is the one the record describes. Cases a random sequence of edits (the property test)
 * seldom reaches: a record put back after the file changed (as a slow concurrent writer would leave it) over inputs
 * that match its keys again, and a hand edit inside a copied entry.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { listFiles } from "../src/check.js";
import { type CompileOptions, compileOnce } from "../src/cli/compile.js";
import { writeTree } from "./helpers/tree.js";

const SUITES = {
  "configs/suites/plain.yml":
    'description: Mochitest plain\nharness: mochitest\ntreeherder: {symbol: "M()"}\nchunks: 4\n',
  "configs/suites/other.yml": 'description: Other\nharness: mochitest\ntreeherder: {symbol: "M(o)"}\nchunks: 2\n',
};

function options(root: string, cache: boolean, extra: Partial<CompileOptions> = {}): CompileOptions {
  return { root, format: "text", branch: [], target: [], set: [], cache, quiet: true, ...extra };
}

/** Compiles `root` into its generated/ (with the cache) and returns its files' texts and the pieces' counts. */
async function compileCached(root: string, force = false): Promise<{ files: Map<string, string>; debug: string }> {
  const write = process.stderr.write;
  let debug = "";
  process.stderr.write = (s: string | Uint8Array) => {
    debug += String(s);
    return true;
  };
  try {
    await compileOnce(options(root, true, { debug: true, force }), { mayProve: false });
  } finally {
    process.stderr.write = write;
  }
  return { files: texts(join(root, "generated")), debug };
}

function texts(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((p) => [p, readFileSync(join(dir, p), "utf8")]));
}

/** The files a cold `--no-cache` compile of `root` writes into an empty directory. */
async function cold(root: string): Promise<Map<string, string>> {
  const out = join(root, "cold");
  rmSync(out, { recursive: true, force: true });
  await compileOnce(options(root, false, { out }), { mayProve: false });
  const files = texts(out);
  rmSync(out, { recursive: true, force: true });
  return files;
}

const units = (debug: string) => /units: (\d+) read back, (\d+) expanded/.exec(debug)?.slice(1).map(Number);
const copied = (debug: string) => Number(/taskcluster\/central\.json: (\d+) of \d+ entries copied/.exec(debug)?.[1]);

function setDescription(root: string, text: string): void {
  const p = join(root, "configs/suites/plain.yml");
  writeFileSync(p, readFileSync(p, "utf8").replace(/^description: .*$/m, `description: ${text}`));
}

test("a suite edit re-expands and re-renders that suite only; the rest is reused, the output is the cold one", async () => {
  const root = writeTree(SUITES);
  try {
    const first = await compileCached(root);
    assert.equal(copied(first.debug), 0);
    // two suites on linux64 opt and debug and on win32 opt
    assert.deepEqual(units(first.debug), [0, 6]);
    setDescription(root, "edited");
    const second = await compileCached(root);
    assert.deepEqual(units(second.debug), [3, 3]);
    // other.yml: 2 chunks on each
    assert.equal(copied(second.debug), 6);
    assert.deepEqual(second.files, await cold(root));
    const platform = join(root, "configs/platforms/win32.yml");
    writeFileSync(platform, readFileSync(platform, "utf8").replace("worker-type: win7-32", "worker-type: win7-x"));
    const third = await compileCached(root);
    assert.deepEqual(units(third.debug), [4, 2]);
    // the 6 entries on win32 are rendered again
    assert.equal(copied(third.debug), 12);
    assert.deepEqual(third.files, await cold(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a record put back after its file changed is not trusted, even where the inputs match its keys again", async () => {
  const root = writeTree(SUITES);
  try {
    await compileCached(root);
    const cache = join(root, ".jobdef-cache");
    const names = readdirSync(cache).filter((n) => n.startsWith("pieces-"));
    const stale = names.map((n) => readFileSync(join(cache, n)));
    setDescription(root, "a description of another length");
    await compileCached(root);
    for (const [i, n] of names.entries()) writeFileSync(join(cache, n), stale[i]!);
    setDescription(root, "Mochitest plain");
    const again = await compileCached(root);
    assert.equal(copied(again.debug), 0);
    assert.deepEqual(again.files, await cold(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a hand edit inside a copied entry is never copied: the file no longer has the recorded stat", async () => {
  const root = writeTree(SUITES);
  try {
    await compileCached(root);
    const graph = join(root, "generated/taskcluster/central.json");
    const text = readFileSync(graph, "utf8");
    writeFileSync(graph, text.replace('"description": "Other', '"description": "Xther'));
    setDescription(root, "edited");
    const forced = await compileCached(root, true);
    assert.equal(copied(forced.debug), 0);
    assert.deepEqual(forced.files, await cold(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** The diagnostics a compile of `root` prints (with the cache or without), or "" when it succeeds. */
async function diagnostics(root: string, cache: boolean): Promise<string> {
  const write = process.stderr.write;
  let printed = "";
  process.stderr.write = (s: string | Uint8Array) => {
    printed += String(s);
    return true;
  };
  try {
    await compileOnce(options(root, cache, { out: join(root, cache ? "generated" : "cold") }), { mayProve: false });
    return "";
  } catch {
    return printed;
  } finally {
    process.stderr.write = write;
  }
}

test("a diagnostic inside a file read back from the cache has the position a cold compile gives it", async () => {
  const root = writeTree(SUITES);
  try {
    const first = await compileCached(root);
    assert.match(first.debug, /files: 0 read back/);
    const again = await compileCached(root);
    assert.doesNotMatch(again.debug, /files: 0 read back/);
    // other.yml now clashes with plain.yml, which is read back: the clash points into both
    const other = join(root, "configs/suites/other.yml");
    writeFileSync(other, readFileSync(other, "utf8").replace('"M(o)"', '"M()"'));
    const cached = await diagnostics(root, true);
    assert.match(cached, /plain\.yml:\d+:\d+/);
    assert.equal(cached, await diagnostics(root, false));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a file that passed its own checks is not checked again while its text is the same; an edit is checked", async () => {
  const root = writeTree(SUITES);
  const notChecked = (debug: string) => Number(/(\d+) not checked again/.exec(debug)?.[1]);
  try {
    const first = await compileCached(root);
    assert.equal(notChecked(first.debug), 0);
    const files = readdirSync(join(root, "configs"), { recursive: true }).filter((f) => String(f).endsWith(".yml"));
    setDescription(root, "edited");
    assert.equal(notChecked((await compileCached(root)).debug), files.length - 1, "all but plain.yml");
    // an edit that breaks the suite's own schema is checked, whatever was recorded of the file before
    const plain = join(root, "configs/suites/plain.yml");
    writeFileSync(plain, readFileSync(plain, "utf8").replace("chunks: 4", "chunks: four"));
    const broken = await diagnostics(root, true);
    assert.match(broken, /plain\.yml:\d+:\d+/);
    assert.equal(broken, await diagnostics(root, false));
    // and a clean file put back as it was passes without being checked (its text was recorded as passing)
    setDescription(root, "edited");
    writeFileSync(plain, readFileSync(plain, "utf8").replace("chunks: four", "chunks: 4"));
    const back = await compileCached(root);
    assert.equal(notChecked(back.debug), files.length);
    assert.deepEqual(back.files, await cold(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a platform edit makes that platform's mach and mozharness files and buildbot section again, the others are reused", async () => {
  const root = writeTree(SUITES);
  const platformFiles = (debug: string) =>
    /platforms' files: (\d+) reused, (\d+) made/.exec(debug)?.slice(1).map(Number);
  try {
    // two platforms, the mach and mozharness files of each
    assert.deepEqual(platformFiles((await compileCached(root)).debug), [0, 4]);
    const platform = join(root, "configs/platforms/win32.yml");
    writeFileSync(platform, readFileSync(platform, "utf8").replace("worker-type: win7-32", "worker-type: win7-x"));
    const afterPlatform = await compileCached(root);
    assert.deepEqual(platformFiles(afterPlatform.debug), [2, 2]);
    // and the buildbot config's section of linux64 is copied from the last output, in both twins
    assert.match(afterPlatform.debug, /buildbot\/central\.json: 1 of 2 entries copied/);
    assert.match(afterPlatform.debug, /buildbot\/central\.py: 1 of 2 entries copied/);
    assert.deepEqual(afterPlatform.files, await cold(root));
    // plain runs on both platforms
    setDescription(root, "edited");
    assert.deepEqual(platformFiles((await compileCached(root)).debug), [0, 4]);
    // a damaged record is ignored with a note: everything is made, and the output is still the cold one
    const cache = join(root, ".jobdef-cache");
    const record = join(cache, readdirSync(cache).find((n) => n.startsWith("platform-files-"))!);
    writeFileSync(record, readFileSync(record, "utf8").replace("mach", "mAch"));
    setDescription(root, "edited again");
    const damaged = await compileCached(root);
    assert.deepEqual(platformFiles(damaged.debug), [0, 4]);
    assert.match(damaged.debug, /ignored the cache record .*platform-files-.*checksum/);
    assert.deepEqual(damaged.files, await cold(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a platform where no suite runs has its files made again when its own settings change", async () => {
  const root = writeTree({
    "configs/suites/plain.yml": `${SUITES["configs/suites/plain.yml"]}run-on: {platforms: [linux64]}\n`,
  });
  try {
    await compileCached(root);
    const platform = join(root, "configs/platforms/win32.yml");
    writeFileSync(platform, `${readFileSync(platform, "utf8")}mozharness: {settings: {exe_suffix: .exe}}\n`);
    const edited = await compileCached(root);
    assert.match(edited.files.get("mozharness/central/win32.json") ?? "", /"exe_suffix": "\.exe"/);
    assert.deepEqual(edited.files, await cold(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** The lines of the units record of suite `plain` (header, body, then one line per addition). */
function plainUnitsRecord(root: string): { path: string; lines: string[] } {
  const cache = join(root, ".jobdef-cache");
  const name = readdirSync(cache).find(
    (n) => n.startsWith("units-") && readFileSync(join(cache, n), "utf8").includes("Mochitest plain"),
  )!;
  const path = join(cache, name);
  return { path, lines: readFileSync(path, "utf8").split("\n") };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

test("a platform edit appends its units to each suite's record; a torn or foreign addition is never trusted", async () => {
  const root = writeTree(SUITES);
  try {
    await compileCached(root);
    const platform = join(root, "configs/platforms/win32.yml");
    const setWorker = (w: string) =>
      writeFileSync(platform, readFileSync(platform, "utf8").replace(/worker-type: [\w-]+/, `worker-type: ${w}`));
    setWorker("win7-x");
    await compileCached(root);
    const { path, lines } = plainUnitsRecord(root);
    // the header, the record, the addition: suite plain on win32 opt
    assert.equal(lines.length, 3);
    const addition = lines[2].slice(65);
    assert.match(addition, /"chunks":4/);
    // forged: another jobdef's addition, its checksum valid, that would change the output if it were read back
    const foreign = addition.replace(/"code":"[^"]*"/, '"code":"0.0.1+foreign"').replace('"chunks":4', '"chunks":3');
    writeFileSync(path, [...lines.slice(0, 2), `${sha256(foreign)} ${foreign}`].join("\n"));
    setWorker("win7-y");
    setWorker("win7-x");
    const afterForeign = await compileCached(root);
    assert.deepEqual(units(afterForeign.debug), [5, 1]);
    assert.deepEqual(afterForeign.files, await cold(root));
    // torn: an append cut short (the record itself still read)
    const again = plainUnitsRecord(root);
    writeFileSync(again.path, again.lines.join("\n").slice(0, -20));
    const afterTorn = await compileCached(root);
    assert.match(afterTorn.debug, /ignored 1 addition to the cache record/);
    assert.deepEqual(afterTorn.files, await cold(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
