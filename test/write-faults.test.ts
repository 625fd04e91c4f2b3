/**
 * Issue 20, class 4: after the commit point, and around it, the next run always recovers or says exactly what to do.
 * Each fault is simulated: a lock file of garbage (or empty, a FIFO, a directory), a live lock from another host, a
 * damaged commit journal (empty plan, garbage plan, a journal that is a file), a directory standing where a committed
 * file goes, a file size limit (EFBIG) while staging, and an output directory below /proc. No run ends in exit 70,
 * and each CLI run is a child process killed at a deadline, so a hang or a spin fails the test.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  COMMIT_NAME,
  commitJournal,
  createStage,
  finishStage,
  stagedPath,
  writeDurable,
} from "../src/write/journal.js";
import { acquireLock, LOCK_NAME, LockTimeoutError } from "../src/write/lock.js";
import { hashTree } from "./corpus/make-tree.js";
import { changeConfigs, compiledTree } from "./helpers/compiled-tree.js";
import { jobdefBefore } from "./helpers/deadline.js";
import { writeTree } from "./helpers/tree.js";

test("class 4: a lock file of garbage, empty, a FIFO or a directory is broken at once, not waited out", () => {
  const { root, gen } = compiledTree();
  const lock = join(gen, LOCK_NAME);
  const makers: [string, () => void][] = [
    ["garbage", () => writeFileSync(lock, "\u0000\u00ffnot a lock at all\n")],
    ["empty", () => writeFileSync(lock, "")],
    ["a FIFO", () => spawnSync("mkfifo", [lock])],
    ["a directory", () => mkdirSync(join(lock, "x"), { recursive: true })],
  ];
  const suite = join(root, "configs/suites/plain.yml");
  makers.forEach(([what, make], i) => {
    make();
    // a new chunk count each time, so that every compile writes (takes the lock)
    writeFileSync(suite, readFileSync(suite, "utf8").replace(/chunks: \d+/, `chunks: ${i + 3}`));
    const r = jobdefBefore(["compile", "--root", root, "-q"]);
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    assert.equal(existsSync(lock), false, `${what}: the lock is still there`);
  });
});

test("class 4: a lock held on another host is waited for, never broken, and the refusal names the host", () => {
  const { gen } = compiledTree();
  const lock = join(gen, LOCK_NAME);
  const text = `${process.pid}\nbuild-host-elsewhere.example\n/x\n`;
  writeFileSync(lock, text);
  assert.throws(
    () => acquireLock(gen, 300),
    (e: Error) =>
      e instanceof LockTimeoutError &&
      /held by process \d+ on host build-host-elsewhere\.example; remove it if no jobdef compile is running there/.test(
        e.message,
      ),
  );
  assert.equal(readFileSync(lock, "utf8"), text);
  // the same lock from this host, with a pid that is not running, is stale
  writeFileSync(lock, `${2 ** 30 + 7}\n${hostname()}\n/x\n`);
  acquireLock(gen, 300)();
});

test("class 4: a damaged commit journal is moved aside with exact instructions, and --force recovers", () => {
  const damages: [string, (journal: string) => void][] = [
    ["an empty plan", (j) => writeFileSync(join(j, "plan.json"), "")],
    ["a garbage plan", (j) => writeFileSync(join(j, "plan.json"), '{"write": 7}')],
    ["a plan of paths outside", (j) => writeFileSync(join(j, "plan.json"), '{"write": ["../x"], "remove": []}')],
    ["no plan", () => {}],
  ];
  for (const [what, damage] of damages) {
    const { root, gen } = compiledTree();
    const journal = join(gen, COMMIT_NAME);
    mkdirSync(journal);
    damage(journal);
    const r = jobdefBefore(["compile", "--root", root]);
    assert.equal(r.code, 1, `${what}: ${r.stderr}`);
    assert.match(
      r.stderr,
      /error JD063: .*the journal of an interrupted compile .* is damaged: .*; it was moved to .*\.jobdef-damaged-commit-.*run jobdef compile --force to rewrite it whole/,
      what,
    );
    assert.equal(existsSync(journal), false);
    const forced = jobdefBefore(["compile", "--root", root, "--force", "-q"]);
    assert.equal(forced.code, 0, `${what}: ${forced.stderr}`);
    assert.equal(jobdefBefore(["check", "--root", root]).code, 0, what);
  }
  // a commit marker that is a file, not a journal
  const { root, gen } = compiledTree();
  writeFileSync(join(gen, COMMIT_NAME), "");
  const r = jobdefBefore(["check", "--root", root]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /is damaged: it is not a directory/);
  assert.equal(jobdefBefore(["compile", "--root", root, "-q", "--force"]).code, 0);
});

test("class 4: a directory standing where a committed file goes: the run says what to remove, the next one finishes", () => {
  const { root, gen } = compiledTree();
  const target = "mach/central/linux64.json";
  const manifest = JSON.parse(readFileSync(join(gen, "manifest.json"), "utf8"));
  const stage = createStage(gen);
  writeDurable(stagedPath(stage, target), "{}\n");
  manifest.files[target] = "0".repeat(64);
  finishStage(stage, { write: [target], remove: [] }, `${JSON.stringify(manifest)}\n`);
  commitJournal(gen, stage); // a compile killed right after its commit point
  rmSync(join(gen, target));
  mkdirSync(join(gen, target, "in-the-way"), { recursive: true });
  const r = jobdefBefore(["compile", "--root", root]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /JD063: .*mach\/central\/linux64\.json is a directory where a generated file goes: remove it from .*; then run jobdef compile \(or check\) again: it finishes the interrupted compile first/,
  );
  assert.equal(existsSync(join(gen, COMMIT_NAME)), true, "the journal is kept for the next run");
  rmSync(join(gen, target), { recursive: true });
  const next = jobdefBefore(["compile", "--root", root, "--force"]);
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stderr, /finished an interrupted compile first/);
  assert.equal(jobdefBefore(["check", "--root", root]).code, 0);
});

test("class 4: a file size limit (EFBIG) while staging is JD063 and leaves the output as it was", () => {
  const { root, gen } = compiledTree();
  changeConfigs(root);
  const before = hashTree(gen);
  const r = jobdefBefore(["compile", "--root", root], { shell: "ulimit -f 8" }); // 8 blocks of 512 bytes: the task graph is larger
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /error JD063: .*EFBIG/);
  assert.equal(hashTree(gen), before);
  assert.deepEqual(
    readdirSync(gen).filter((n) => n.startsWith(".jobdef-tmp-")),
    [],
  );
  assert.equal(jobdefBefore(["compile", "--root", root, "-q"]).code, 0);
});

test("class 4: an output directory below /proc is refused at once (no spinning in mkdir)", () => {
  const root = writeTree();
  for (const out of ["/proc/jobdef-no-such/generated", "/proc"]) {
    const r = jobdefBefore(["compile", "--root", root, "--out", out]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error JD063: cannot use \/proc.*: cannot create/);
  }
});
