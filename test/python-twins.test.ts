/** Real consumer: python3 loads every Python twin and compares its `config` with the JSON twin, types included. */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import fc from "fast-check";
import { compile } from "../src/compile.js";
import { jsonWithPythonTwin } from "../src/emit/python.js";
import { FIXTURE } from "./fixtures/golden-harness/golden.js";
import { REPO } from "./helpers/tree.js";
import { PythonChecker } from "./python/python-checker.js";

const python = new PythonChecker();
after(() => python.close());

/** Every `.py` output with a `.json` sibling, checked in one python3 process. */
async function assertTwins(root: string, branches?: string[]): Promise<{ twins: number; platforms: number }> {
  const r = compile({ root, branches });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  const { checked, failures } = await python.checkTwins(r.value.files);
  assert.deepEqual(failures, []);
  return { twins: checked, platforms: r.value.branches.reduce((n, b) => n + b.platforms.length, 0) };
}

test("python3 loads every Python twin of the embedded tree (every branch) and its config equals the JSON twin", async () => {
  const all = compile({ root: REPO, targets: [] });
  assert.ok(all.ok, JSON.stringify(!all.ok && all.diagnostics));
  const branches = [...all.value.tree.branches.keys()];
  const { twins, platforms } = await assertTwins(REPO, branches);
  assert.ok(twins >= platforms, `only ${twins} twins for ${platforms} (branch, platform) pairs`);
});

test("python3 loads every Python twin of the golden fixture", async () => {
  const { twins, platforms } = await assertTwins(FIXTURE);
  assert.equal(twins, platforms);
});

const NASTY = [
  '"',
  "'",
  '"""',
  "'''",
  "\\",
  "\\\\",
  "\n",
  "\r",
  "\r\n",
  "\0",
  "\t",
  "\x7f",
  "\x1b",
  "é",
  "ß",
  "\u2028",
  "\u2029",
  "\ufeff",
  "😀",
  "\ud800",
  "\udfff",
  "%(x)s",
  "%",
  "#",
  "{",
  "}",
  "\\N{BULLET}",
  "\\x41",
  "\\u0041",
];
const nastyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...NASTY),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  ),
  maxLength: 24,
});
const leaf = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(nastyString, tie("node"), { maxKeys: 4 }),
  ),
})).node;

test("a string holding a line separator (U+2028, U+2029: JSON.stringify writes them raw) keeps its literal-like text", async () => {
  const config = {
    a: "true\u2028",
    b: ["x\u2029", true, "null\u2029,"],
    "c\u2028": null,
    "d\u2029": { e: "false\u2028\u2029", f: false },
  };
  const [json, py] = jsonWithPythonTwin("separators", config);
  const reply = await python.request("twin", { name: "<separators>", py: py.content, json: json.content });
  assert.ok(reply.ok, reply.error);
});

test("property: any keys and strings round-trip through the Python twin (one python3 process)", async () => {
  await fc.assert(
    fc.asyncProperty(fc.dictionary(nastyString, value, { maxKeys: 6 }), async (config) => {
      const [json, py] = jsonWithPythonTwin("property", config);
      const reply = await python.request("twin", { name: "<property>", py: py.content, json: json.content });
      assert.ok(reply.ok, `${reply.error}: ${JSON.stringify(config)}`);
    }),
    { numRuns: 400, seed: 20150601 },
  );
});
