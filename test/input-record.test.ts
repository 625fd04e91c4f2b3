/**
 * The record of input stats spares reading an input whose stat is unchanged, and records a file only when it was
 * last changed before the file system's clock taken ahead of the run's reads: a change in the same tick as the read
 * would keep the stat.
 */
import assert from "node:assert/strict";
import { lstatSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InputRecord } from "../src/cache/input-record.js";
import { waitForClockPast } from "../src/cache/store.js";

function place() {
  const root = mkdtempSync(join(tmpdir(), "jobdef-input-record-"));
  const cache = join(root, "cache");
  mkdirSync(cache);
  writeFileSync(join(root, "a.yml"), "a: 1\n");
  return { root, cache, stat: () => lstatSync(join(root, "a.yml"), { bigint: true }) };
}

test("a file read after the clock was taken, and last changed before it, is known by its stat next time", () => {
  const { root, cache, stat } = place();
  const before = stat();
  assert.ok(waitForClockPast(cache, [before.mtimeNs, before.ctimeNs]));
  const first = new InputRecord(cache, root);
  assert.equal(first.hashOf("a.yml", before), undefined);
  first.read("a.yml", before, "hash-a");
  first.save();
  assert.equal(new InputRecord(cache, root).hashOf("a.yml", before), "hash-a");
  writeFileSync(join(root, "a.yml"), "a: 2\n");
  assert.equal(new InputRecord(cache, root).hashOf("a.yml", stat()), undefined, "another stat: read again");
  rmSync(root, { recursive: true, force: true });
});

test("a file changed at or after the clock taken before its read is not recorded", () => {
  const { root, cache, stat } = place();
  const first = new InputRecord(cache, root);
  assert.equal(first.hashOf("a.yml", stat()), undefined);
  const future = new Date(Date.now() + 3_600_000);
  utimesSync(join(root, "a.yml"), future, future);
  const changed = stat();
  first.read("a.yml", changed, "hash-a");
  first.save();
  assert.equal(new InputRecord(cache, root).hashOf("a.yml", changed), undefined);
  rmSync(root, { recursive: true, force: true });
});
