/**
 * Real consumers: python3 and Python 2.7 (2015's mozharness ran on it) read every Python twin back and compare its
 * `config` with the JSON twin, types included; the twin must be one literal assignment, whatever its strings hold.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import fc from "fast-check";
import { compile } from "../src/compile.js";
import { type Form, sectionText, writeBranchConfig } from "../src/emit/buildbot-text.js";
import { streamedFile } from "../src/emit/output-file.js";
import { jsonWithPythonTwin } from "../src/emit/python.js";
import { setOwn } from "../src/values.js";
import { FIXTURE } from "./fixtures/golden-harness/golden.js";
import { REPO } from "./helpers/tree.js";
import { TwinChecker } from "./python/twin-checker.js";

const pythons = [new TwinChecker("python3"), new TwinChecker("python2")];
after(() => {
  for (const p of pythons) p.close();
});

/** Every `.py` output with a `.json` sibling, checked by each Python. */
async function assertTwins(root: string, branches?: string[]): Promise<{ twins: number; platforms: number }> {
  const r = compile({ root, branches });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  let twins = 0;
  for (const python of pythons) {
    const { checked, failures } = await python.checkFiles(r.value.files);
    assert.deepEqual(failures, [], python.python);
    twins = checked;
  }
  return { twins, platforms: r.value.branches.reduce((n, b) => n + b.platforms.length, 0) };
}

/** The twins of `config`, read back by each Python. */
async function assertRoundTrip(name: string, config: Record<string, unknown>): Promise<void> {
  const [json, py] = jsonWithPythonTwin(name, config);
  for (const python of pythons) {
    const reply = await python.check(`<${name}>`, py.content, json.content);
    assert.ok(reply.ok, `${python.python}: ${reply.error}: ${JSON.stringify(config)}`);
  }
}

test("python3 and python2.7 load every Python twin of the embedded tree (every branch) and its config equals the JSON twin", async () => {
  const all = compile({ root: REPO, targets: [] });
  assert.ok(all.ok, JSON.stringify(!all.ok && all.diagnostics));
  const branches = [...all.value.tree.branches.keys()];
  const { twins, platforms } = await assertTwins(REPO, branches);
  assert.ok(twins >= platforms, `only ${twins} twins for ${platforms} (branch, platform) pairs`);
});

test("python3 and python2.7 load every Python twin of the golden fixture", async () => {
  const { twins, platforms } = await assertTwins(FIXTURE);
  // each platform's config and its in-tree config
  assert.equal(twins, 2 * platforms);
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
  "\\U0001F600",
  'u"',
  "\"]; import os; os.system('x') #",
  '"""\n__import__(\'os\')',
  "\x00\x00",
  "\u0085",
  "\ud83d",
  "\ude00\ud83d",
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
  fc.maxSafeInteger(),
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
  await assertRoundTrip("separators", config);
});

test("property: any keys and strings round-trip through the Python twin, in python3 and python2.7", async () => {
  await fc.assert(
    fc.asyncProperty(fc.dictionary(nastyString, value, { maxKeys: 6 }), (config) =>
      assertRoundTrip("property", config),
    ),
    { numRuns: 400, seed: 20150601 },
  );
});

test("a twin's strings never become code: one literal assignment whatever they hold", async () => {
  const [, py] = jsonWithPythonTwin("code", { a: '"]; import os #', b: '\\"\n}\nx = 1\n' });
  assert.match(py.content, /^# [^\n]*\nconfig = \{\n/);
  assert.equal(py.content.match(/^config = /gm)?.length, 1);
  assert.doesNotMatch(py.content, /^x = 1/m);
  await assertRoundTrip("code", { a: '"]; import os #', b: '\\"\n}\nx = 1\n' });
});

test("property: buildbot texts written section by section are the bytes of the whole value's twins", () => {
  const name = fc.oneof(nastyString, fc.constantFrom("0", "2", "10", "01", "4294967294", "4294967295", "__proto__"));
  const sections = fc.uniqueArray(fc.tuple(name, fc.dictionary(nastyString, value, { maxKeys: 4 })), {
    selector: ([n]) => n,
    maxLength: 6,
  });
  fc.assert(
    fc.property(nastyString, nastyString, sections, (branch, repository, list) => {
      const platforms: Record<string, unknown> = {};
      for (const [n, v] of list) setOwn(platforms, n, v);
      const [json, py] = jsonWithPythonTwin("b", { branch, repository, platforms });
      const sections = list.map(([name, v]) => ({ name, key: undefined, text: (form: Form) => sectionText(form, v) }));
      const text = (form: Form) =>
        streamedFile("b", (out) => writeBranchConfig(out, form, { branch, repository }, sections)).content;
      assert.equal(text("json"), json.content);
      assert.equal(text("python"), py.content);
    }),
    { numRuns: 300 },
  );
});
