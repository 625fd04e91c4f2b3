/**
 * `jobdef compile --watch`, run as the real CLI in a child process: one status line per run, a recompile after an
 * edit, a half-saved or invalid file shown and survived with the last good output kept, and a clean stop on SIGINT.
 * Every wait has a deadline, so a watcher that never reacts fails the test instead of hanging it.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BIN, runCli, writeTree } from "./helpers/tree.js";

/** Long enough for a loaded two-core machine; only a hang ever reaches it. */
const DEADLINE_MS = 60_000;

/** A child's stderr, and a way to wait for a line matching a pattern after a given point. */
class Watched {
  text = "";
  exit: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (s: string) => {
      this.text += s;
      for (const w of this.waiters.splice(0)) w();
    });
    this.exit = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  /** Waits for `pattern` in the text written after offset `from`; returns the offset just after the match. */
  async waitFor(pattern: RegExp, from: number): Promise<number> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const m = pattern.exec(this.text.slice(from));
      if (m) return from + m.index + m[0].length;
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`no ${pattern} within ${DEADLINE_MS} ms; stderr so far:\n${this.text}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

const STATUS =
  /jobdef compile: generated\/: (\d+) written, \d+ unchanged, \d+ removed; jobs: central (\d+)([^\n]*); [\d.]+ s\n/;

test("compile --watch recompiles on change, survives a half-saved or invalid file, stops on SIGINT", async () => {
  const root = writeTree();
  const suite = join(root, "configs/suites/plain.yml");
  const manifest = join(root, "generated/manifest.json");
  const w = new Watched(spawn(process.execPath, [BIN, "compile", "--watch", "--root", root], { cwd: root }));
  try {
    let at = await w.waitFor(/watching .*configs/, 0);
    at = await w.waitFor(STATUS, 0);
    assert.match(w.text, /jobs: central 6;/);

    // an edit: one more chunk on each of three platform/build-type pairs
    const original = readFileSync(suite, "utf8");
    writeFileSync(suite, original.replace("chunks: 2", "chunks: 3"));
    at = await w.waitFor(STATUS, at);
    assert.match(w.text.slice(0, at), /jobs: central 9; 9 jobs changed \(3 added, 0 removed\);/);
    assert.equal(runCli(["check", "--root", root, "--no-cache"], { cwd: root }).code, 0, "the output is current");

    // half-saved: the first part of a file only, then the rest; and an invalid value
    const good = readFileSync(manifest, "utf8");
    writeFileSync(suite, original.slice(0, original.indexOf("treeherder:") + 14));
    at = await w.waitFor(/failed \(see above\); the output stays as the last good run wrote it/, at);
    assert.match(w.text, /configs\/suites\/plain\.yml:\d+:\d+: error JD\d+/);
    assert.equal(readFileSync(manifest, "utf8"), good, "the last good output is kept");
    writeFileSync(suite, original.replace("chunks: 2", "chunks: many"));
    at = await w.waitFor(/failed \(see above\)/, at);
    assert.equal(readFileSync(manifest, "utf8"), good);

    writeFileSync(suite, original);
    at = await w.waitFor(STATUS, at);
    assert.match(w.text.slice(0, at), /jobs: central 6; 9 jobs changed \(0 added, 3 removed\);[^\n]*\n$/);
    assert.equal(runCli(["check", "--root", root, "--no-cache"], { cwd: root }).code, 0);

    w.child.kill("SIGINT");
    assert.equal(await w.exit, 0, w.text);
    assert.match(w.text, /jobdef compile --watch: stopped\n$/);
  } finally {
    w.child.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  }
});
