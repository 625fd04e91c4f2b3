/** The write stage: a compile killed at any moment, or racing another, leaves the old or the new output, never a mix. */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { listFiles } from "../src/check.js";
import { textFile } from "../src/emit/output-file.js";
import { MANIFEST_NAME, parseManifest, sha256 } from "../src/manifest.js";
import {
  COMMIT_NAME,
  commitJournal,
  createStage,
  finishStage,
  stagedPath,
  writeDurable,
} from "../src/write/journal.js";
import { LOCK_NAME, LockTimeoutError } from "../src/write/lock.js";
import { readManifest, recoverOutput, writeOutput } from "../src/write.js";
import { BIN, writeTree } from "./helpers/tree.js";

const ALL = { branches: ["central"], targets: ["mozharness", "mach", "buildbot", "taskcluster"] as const };

/** The directory lists exactly its manifest's files (plus types/ and .jobdef-* bookkeeping), each with its hash. */
function assertMatchesManifest(dir: string, unlisted: string[] = []): string {
  const text = readFileSync(join(dir, MANIFEST_NAME), "utf8");
  const m = parseManifest(text);
  assert.deepEqual(
    listFiles(dir).sort(),
    [...Object.keys(m.files), MANIFEST_NAME, ...unlisted].sort(),
    `${dir} lists other files than its manifest`,
  );
  for (const [p, h] of Object.entries(m.files))
    assert.equal(sha256(readFileSync(join(dir, p))), h, `${p} does not match the manifest`);
  return text;
}

/** A staged transaction writing `content` to every path of the plan, as writeOutput stages one. */
function stagedJournal(
  dir: string,
  plan: { write: string[]; remove: string[] },
  content: string,
  manifestText: string,
): string {
  const stage = createStage(dir);
  for (const p of plan.write) writeDurable(stagedPath(stage, p), content);
  finishStage(stage, plan, manifestText);
  return stage;
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

test("writeOutput writes files and manifest, skips unchanged, removes what nothing produces, keeps the rest", async () => {
  const dir = join(writeTree(), "generated");
  mkdirSync(join(dir, "types"), { recursive: true });
  writeFileSync(join(dir, "types", "index.ts"), "// not ours\n");
  writeFileSync(join(dir, "README"), "not listed by any manifest\n");
  const files = [textFile("mach/central/linux64.json", "{}\n"), textFile("taskcluster/central.json", '{"a": 1}\n')];
  const first = await writeOutput({ dir, files, compiled: ALL, partial: false });
  assert.deepEqual(first.written, ["mach/central/linux64.json", "taskcluster/central.json"]);
  assertMatchesManifest(dir, ["README"]);
  const second = await writeOutput({ dir, files: files.slice(1), compiled: ALL, partial: false });
  assert.deepEqual(
    [second.written, second.unchanged, second.removed],
    [[], ["taskcluster/central.json"], ["mach/central/linux64.json"]],
  );
  assert.equal(existsSync(join(dir, "mach")), false, "empty directories are pruned");
  assert.equal(readFileSync(join(dir, "types", "index.ts"), "utf8"), "// not ours\n");
  assert.equal(readFileSync(join(dir, "README"), "utf8"), "not listed by any manifest\n");
  // A partial write replaces only its slice.
  const beta = await writeOutput({
    dir,
    files: [textFile("mach/beta/linux64.json", "[]\n")],
    compiled: { branches: ["beta"], targets: ["mach"] },
    partial: true,
  });
  assert.deepEqual(Object.keys(beta.manifest.files), ["mach/beta/linux64.json", "taskcluster/central.json"]);
  assert.deepEqual(beta.manifest.covers, {
    beta: ["mach"],
    central: ["buildbot", "mach", "mozharness", "taskcluster"],
  });
  const again = await writeOutput({
    dir,
    files: [],
    compiled: { branches: ["beta"], targets: ["mach"] },
    partial: true,
  });
  assert.deepEqual(
    [again.removed, Object.keys(again.manifest.files)],
    [["mach/beta/linux64.json"], ["taskcluster/central.json"]],
  );
  rmSync(join(dir, ".."), { recursive: true, force: true });
});

test("emitters cannot write outside the generated files", async () => {
  const dir = join(writeTree(), "generated");
  for (const path of ["../x", "types/index.ts", "manifest.json", ".jobdef-lock", "/abs"]) {
    await assert.rejects(
      () => writeOutput({ dir, files: [textFile(path, "")], compiled: ALL, partial: false }),
      /not a generated file/,
    );
  }
  rmSync(join(dir, ".."), { recursive: true, force: true });
});

test("recovery: a stale lock is broken, staging is discarded, a committed journal is finished", async () => {
  const dir = join(writeTree(), "generated");
  await writeOutput({ dir, files: [textFile("mach/central/a.json", "old\n")], compiled: ALL, partial: false });
  writeFileSync(join(dir, LOCK_NAME), `${deadPid()}\n`);
  mkdirSync(join(dir, ".jobdef-tmp-1-x", "files"), { recursive: true });
  // Killed right after its commit point: the journal is there, nothing applied yet.
  const manifestText = `${JSON.stringify({ covers: { central: ["mach"] }, files: { "mach/central/b.json": sha256("new\n") } })}\n`;
  commitJournal(
    dir,
    stagedJournal(dir, { write: ["mach/central/b.json"], remove: ["mach/central/a.json"] }, "new\n", manifestText),
  );
  assert.equal(existsSync(join(dir, COMMIT_NAME)), true);
  assert.equal(recoverOutput(dir), true);
  assertMatchesManifest(dir);
  assert.deepEqual(Object.keys(readManifest(dir).files), ["mach/central/b.json"]);
  assert.deepEqual(listFiles(dir).sort(), ["manifest.json", "mach/central/b.json"].sort());
  assert.equal(existsSync(join(dir, LOCK_NAME)), false);
  assert.equal(existsSync(join(dir, ".jobdef-tmp-1-x")), false);
  rmSync(join(dir, ".."), { recursive: true, force: true });
});

test("a lock held by a live process makes a writer wait, then give up with a clear error", async () => {
  const dir = join(writeTree(), "generated");
  mkdirSync(dir, { recursive: true });
  const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
  writeFileSync(join(dir, LOCK_NAME), `${holder.pid}\n`);
  await assert.rejects(
    () => writeOutput({ dir, files: [], compiled: ALL, partial: false, lockTimeoutMs: 300 }),
    LockTimeoutError,
  );
  const exited = new Promise((resolve) => holder.on("exit", resolve));
  holder.kill("SIGKILL");
  await exited; // reaped: no zombie answering kill(pid, 0)
  await writeOutput({ dir, files: [], compiled: ALL, partial: false, lockTimeoutMs: 300 });
  assertMatchesManifest(dir);
  rmSync(join(dir, ".."), { recursive: true, force: true });
});

/** A tree of 10 platforms × 400 suites (24,000 jobs): `jobdef compile` takes over a second. */
function bigTree(): string {
  const files: Record<string, string> = {};
  for (let p = 0; p < 10; p++) {
    files[`configs/platforms/p${p}.yml`] =
      `description: P${p}\nos: linux\nbuild-types: [opt, debug]\ntags: [desktop]\ntreeherder: {machine: p${p}}\nworker: {implementation: docker-worker, provisioner: aws-provisioner-v1, worker-type: desktop-test, image: "taskcluster/desktop-test:0.4.4"}\n`;
  }
  for (let s = 0; s < 400; s++)
    files[`configs/suites/s${s}.yml`] =
      `description: Suite ${s}\nharness: mochitest\ntreeherder: {symbol: "M(s${s})"}\nchunks: 3\nmozharness: {suite-name: s${s}}\n`;
  return writeTree(files);
}

/** Config A or B of the big tree: B has more chunks for ten suites and no platform p9 (files change, appear, go). */
function setConfig(root: string, which: "A" | "B"): void {
  for (let s = 10; s < 20; s++) {
    writeFileSync(
      join(root, `configs/suites/s${s}.yml`),
      `description: Suite ${s}\nharness: mochitest\ntreeherder: {symbol: "M(s${s})"}\nchunks: ${which === "A" ? 3 : 4}\nmozharness: {suite-name: s${s}}\n`,
    );
  }
  const p9 = join(root, "configs/platforms/p9.yml");
  if (which === "B") rmSync(p9, { force: true });
  else
    writeFileSync(
      p9,
      readFileSync(join(root, "configs/platforms/p8.yml"), "utf8").replaceAll("p8", "p9").replace("P8", "P9"),
    );
}

function compileSync(root: string, args: string[] = []): { ms: number; stderr: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, [BIN, "compile", "--root", root, ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return { ms: performance.now() - start, stderr: r.stderr };
}

function compileKilledAfter(root: string, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "compile", "--root", root, "--quiet"], { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("exit", (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

test("SIGKILL at 20 moments of a compile: the directory always matches its manifest, old or new", async () => {
  const root = bigTree();
  const dir = join(root, "generated");
  mkdirSync(join(dir, "types"), { recursive: true });
  writeFileSync(join(dir, "types", "index.ts"), "// npm run generate\n");
  // Reference outputs of both configs, and how long a compile and its write stage take.
  setConfig(root, "B");
  compileSync(root, ["--out", join(root, "ref-B")]);
  setConfig(root, "A");
  const base = compileSync(root, ["--debug"]);
  const writeMs = Number(/jobdef: write ([\d.]+) ms/.exec(base.stderr)?.[1] ?? 300);
  // No timing is asserted: kills at 0 ms land before the commit point, and the loop below kills later and later until
  // one lands after it (or the compile finishes), however fast or loaded the machine.
  const manifests = { A: assertMatchesManifest(dir), B: readFileSync(join(root, "ref-B", MANIFEST_NAME), "utf8") };
  assert.notEqual(manifests.A, manifests.B);
  // 8 moments spread over the whole run, 12 packed around the write stage at its end.
  const early = Array.from({ length: 8 }, (_, i) => (i * (base.ms - writeMs)) / 8);
  const late = Array.from({ length: 12 }, (_, i) => base.ms - writeMs - 100 + (i * (writeMs + 150)) / 11);
  const seen = { old: 0, new: 0, finished: 0, recovered: 0 };
  const killAt = async (ms: number) => {
    const before = assertMatchesManifest(dir);
    const next = before === manifests.A ? "B" : "A";
    setConfig(root, next);
    const signal = await compileKilledAfter(root, ms);
    if (signal === null) seen.finished++;
    if (existsSync(join(dir, COMMIT_NAME))) {
      // Killed while moving committed files into place: the next jobdef process rolls it forward.
      recoverOutput(dir);
      seen.recovered++;
    }
    const after = assertMatchesManifest(dir);
    assert.ok(
      after === before || after === manifests[next],
      `killed after ${ms.toFixed(0)} ms: the manifest is neither the old nor the new one`,
    );
    seen[after === before ? "old" : "new"]++;
  };
  for (const ms of [...early, ...late]) await killAt(ms);
  // A loaded machine compiles slower than the calibration run: kill later and later until one lands after the
  // commit point (a compile that finishes counts too, so this ends).
  for (let ms = base.ms * 1.25; seen.new === 0; ms *= 1.5) await killAt(ms);
  assert.ok(
    seen.old > 0 && seen.new > 0,
    `kills should land both before and after the commit point: ${JSON.stringify(seen)}`,
  );
  assert.equal(readFileSync(join(dir, "types", "index.ts"), "utf8"), "// npm run generate\n");
  // The next compile cleans whatever the killed ones left (staging, stale lock) and leaves no bookkeeping behind.
  compileSync(root);
  assert.deepEqual(listFiles(dir).length, Object.keys(parseManifest(assertMatchesManifest(dir)).files).length + 1);
  assert.equal(existsSync(join(dir, LOCK_NAME)), false);
  rmSync(root, { recursive: true, force: true });
});

test("two concurrent compiles into one directory end consistent (the later one wins completely)", async () => {
  const root = writeTree();
  const dir = join(root, "generated");
  const variants = [[], ["--set", "max-run-time=7200"]];
  const refs = variants.map((args, i) => {
    compileSync(root, [...args, "--out", join(root, `ref-${i}`)]);
    return readFileSync(join(root, `ref-${i}`, MANIFEST_NAME), "utf8");
  });
  assert.notEqual(refs[0], refs[1]);
  for (let round = 0; round < 3; round++) {
    const runs = variants.map(
      (args) =>
        new Promise<number | null>((resolve) => {
          spawn(process.execPath, [BIN, "compile", "--root", root, "--quiet", "--out", dir, ...args], {
            stdio: "ignore",
          }).on("exit", resolve);
        }),
    );
    assert.deepEqual(await Promise.all(runs), [0, 0]);
    assert.ok(refs.includes(assertMatchesManifest(dir)));
    assert.equal(existsSync(join(dir, LOCK_NAME)), false);
  }
  rmSync(root, { recursive: true, force: true });
});
