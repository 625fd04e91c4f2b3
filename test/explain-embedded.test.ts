/** `jobdef explain` on the embedded tree: the file and line of a value, and the lower layer it overrode. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "./helpers/tree.js";

test("explain: chunks of an embedded mochitest job come from its suite file, over the defaults", () => {
  const r = runCli(["explain", "test-linux64/debug-mochitest-plain-2", "chunks"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^chunks: \d+ {2}# configs\/suites\/mochitest-plain\.yml:\d+ \(suite\), overrode 1 from configs\/defaults\.yml:\d+ \(defaults\)$/m,
  );
});

test("explain: a harness setting (the mozharness script of web-platform-tests) overrides the defaults", () => {
  const r = runCli(["explain", "test-linux64/opt-web-platform-tests-1", "mozharness", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const { provenance } = JSON.parse(r.stdout);
  const script = provenance["mozharness.script"];
  assert.equal(script.layer, "harness");
  assert.equal(script.file, "configs/harnesses/web-platform-tests.yml");
  assert.equal(script.overrode.layer, "defaults");
  assert.equal(script.overrode.value, "scripts/desktop_unittest.py");
  assert.ok(provenance["mozharness.extra-args[0]"].file.startsWith("configs/"), "every list item has a position");
});
