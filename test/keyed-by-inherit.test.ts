/**
 * Keyed-by partial override: a higher layer overrides some arms of a value and keeps the lower layers' value for the
 * others with `default: {$inherit: true}` (`$inherit`: this layer sets nothing here).
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { test } from "node:test";
import { BASE, runCli, writeTree } from "./helpers/tree.js";

const SUITE = `${BASE["configs/suites/plain.yml"].replace("chunks: 2\n", "")}chunks: {by-platform: {linux64: 3, default: 2}}\nmax-run-time: 5400\n`;
const branch = (job: string) =>
  `description: trunk\nrepository: https://hg.mozilla.org/mozilla-central\nplatforms: [".*"]\njob:\n${job}`;

/** explain's text for one field, without its heading line. */
function explain(root: string, label: string, field: string): string {
  const r = runCli(["explain", label, field, "--root", root]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split("\n").slice(1).join("\n");
}

test("a branch overrides one arm; the other platforms keep the suite's value, with its provenance", () => {
  const root = writeTree({
    "configs/suites/plain.yml": SUITE,
    "configs/branches/central.yml": branch(
      "  chunks:\n    by-platform:\n      win32: 4\n      default: {$inherit: true}\n",
    ),
  });
  assert.equal(runCli(["validate", "--root", root]).code, 0);
  assert.match(
    explain(root, "test-win32/opt-plain-1", "chunks"),
    /^chunks: 4 {2}# configs\/branches\/central\.yml:7 \(branch\), overrode 2 from configs\/suites\/plain\.yml:4 \(suite\)$/m,
  );
  assert.match(
    explain(root, "test-linux64/opt-plain-1", "chunks"),
    /^chunks: 3 {2}# configs\/suites\/plain\.yml:4 \(suite\)/,
  );
  const labels = runCli(["list", "--root", root]).stdout.trim().split("\n");
  assert.equal(labels.filter((l) => l.startsWith("test-win32/opt-plain-")).length, 4);
  assert.equal(labels.filter((l) => l.startsWith("test-linux64/opt-plain-")).length, 3);
  rmSync(root, { recursive: true, force: true });
});

test("without the $inherit arm, every other platform has no arm: JD030, as before", () => {
  const root = writeTree({
    "configs/suites/plain.yml": SUITE,
    "configs/branches/central.yml": branch("  chunks:\n    by-platform:\n      win32: 4\n"),
  });
  const r = runCli(["validate", "--root", root]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /error JD030: job\.chunks: no arm of by-platform matches platform "linux64" and there is no default/,
  );
  rmSync(root, { recursive: true, force: true });
});

test("$inherit anywhere: nested arms, a nested field, and with nothing below it the field is simply not set", () => {
  const root = writeTree({
    "configs/suites/plain.yml": `${SUITE}mozharness: {options: [--suite-option]}\n`,
    "configs/branches/central.yml": branch(
      "  max-run-time:\n    by-platform:\n      linux64: {by-build-type: {debug: 7200, default: {$inherit: true}}}\n      default: {$inherit: true}\n" +
        "  mozharness:\n    options: {by-platform: {win32: [--win], default: {$inherit: true}}}\n" +
        "  retry: {retries: {$inherit: true}}\n",
    ),
  });
  assert.equal(runCli(["validate", "--root", root]).code, 0);
  assert.match(explain(root, "test-linux64/debug-plain-1", "max-run-time"), /^max-run-time: 7200 /);
  assert.match(explain(root, "test-linux64/opt-plain-1", "max-run-time"), /^max-run-time: 5400 /);
  assert.match(explain(root, "test-win32/opt-plain-1", "max-run-time"), /^max-run-time: 5400 /);
  assert.match(
    explain(root, "test-win32/opt-plain-1", "mozharness.options"),
    /^mozharness\.options:.*\n- --win {2}# configs\/branches\/central\.yml/,
  );
  assert.match(
    explain(root, "test-linux64/opt-plain-1", "mozharness.options"),
    /^mozharness\.options:.*\n- --suite-option {2}# configs\/suites\/plain\.yml/,
  );
  assert.match(
    explain(root, "test-linux64/opt-plain-1", "retry.retries"),
    /^retry\.retries: 5 {2}# configs\/defaults\.yml/,
  );
  rmSync(root, { recursive: true, force: true });
});

test("$inherit takes only true", () => {
  const root = writeTree({
    "configs/suites/plain.yml": SUITE,
    "configs/branches/central.yml": branch("  chunks: {by-platform: {win32: 4, default: {$inherit: yes}}}\n"),
  });
  const r = runCli(["validate", "--root", root, "--format", "json"]);
  assert.equal(r.code, 1);
  const [d] = JSON.parse(r.stderr);
  assert.equal(d.code, "JD010");
  assert.match(d.message, /expected true \(\{\$inherit: true\}\)/);
  rmSync(root, { recursive: true, force: true });
});
