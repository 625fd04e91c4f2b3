/** The one YAML reader (src/parse-yaml.ts): what `yaml` would read silently wrong is refused at its position. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { isAlias, isMap, isSeq, parseDocument } from "yaml";
import { CODES, type Diagnostic } from "../src/diagnostics.js";
import { parseSource } from "../src/parse-yaml.js";
import { YAML_OPTIONS } from "../src/source.js";
import { CONFIG_SHAPED_OR_BROKEN, TOKEN_SOUP } from "./helpers/yaml-documents.js";

function read(text: string): { value?: unknown; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const file = parseSource("f.yml", "suite", "f", text, diagnostics);
  return { value: file?.value, diagnostics };
}

/** The one diagnostic of `text`: its code, line and column, and its message. */
function refused(text: string): { where: string; message: string } {
  const { diagnostics } = read(text);
  assert.equal(diagnostics.length, 1, `${JSON.stringify(text)}: ${JSON.stringify(diagnostics)}`);
  const [d] = diagnostics;
  return { where: `${d.code} ${d.line}:${d.column}`, message: d.message };
}

test("load-yaml: keys that are one key once read are JD002 at the second, naming the first", () => {
  const cases: [string, string][] = [
    ["a: 1\na: 2\n", "JD002 2:1"],
    ["1: a\n'1': b\n", "JD002 2:1"],
    ["'1': a\n1: b\n", "JD002 2:1"],
    ["true: a\n'true': b\n", "JD002 2:1"],
    ["null: a\n'': b\n", "JD002 2:1"],
    ["~: a\n'': b\n", "JD002 2:1"],
    ["null: a\n~: b\n", "JD002 2:1"],
    [": a\nnull: b\n", "JD002 2:1"],
    ["1: a\n1.0: b\n", "JD002 2:1"],
    ["16: a\n0x10: b\n", "JD002 2:1"],
    ['k:\n  x: 0\n  1: a\n  "1": b\n', "JD002 4:3"],
    ["k: {1: a, '1': b}\n", "JD002 1:11"],
    ['k: [{true: a, "true": b}]\n', "JD002 1:15"],
  ];
  for (const [text, where] of cases) {
    const r = refused(text);
    assert.equal(r.where, where, JSON.stringify(text));
    assert.match(r.message, /^duplicate key .*[:;] keys of a mapping must be unique$/);
  }
  assert.match(refused("1: a\n'1': b\n").message, /duplicate key '1': it reads as the key "1", as 1 at line 1 does/);
  assert.equal(read("1: a\n'1': b\n").diagnostics[0].related?.[0].line, 1);
  // every collision of a mapping, each once
  assert.equal(read("a: 1\na: 2\nb: 1\nb: 2\nb: 3\n").diagnostics.length, 3);
});

test("load-yaml: a mapping key that is a list or a mapping is JD001 at the key", () => {
  assert.equal(refused("[a]: 1\n").where, "JD001 1:1");
  assert.equal(refused("k:\n  ? {a: 1}\n  : 2\n").where, "JD001 2:5");
  assert.match(refused("[a]: 1\n").message, /a mapping key must be a scalar/);
});

test("load-yaml: a file whose lines end with CR alone reads as with LF, positions included", () => {
  assert.deepEqual(read("a: 1\rb:\r  c: [x, y]\r").value, { a: 1, b: { c: ["x", "y"] } });
  assert.deepEqual(read("k: |\r  a\r  b\rl: 'p\r  q'\r").value, { k: "a\nb\n", l: "p q" });
  assert.equal(refused("a: 1\rb: 2\ra: 3\r").where, "JD002 3:1");
  assert.equal(refused("a: 1\r\rb: [\r").where.split(" ")[0], "JD001");
  // the three line ends, mixed, read alike
  assert.deepEqual(read("a: 1\r\nb: 2\rc: 3\n").value, { a: 1, b: 2, c: 3 });
});

test("load-yaml: tags beyond YAML's core ones are JD001 at the tag; core tags read as they say", () => {
  const tags: [string, string][] = [
    ["a: !!binary aGk=\n", "JD001 1:4"],
    ["a: !!timestamp 2001-12-14\n", "JD001 1:4"],
    ["a:\n  b: !!set {x, y}\n", "JD001 2:6"],
    ["a: !!omap [x: 1]\n", "JD001 1:4"],
    ["a: !!pairs [x: 1]\n", "JD001 1:4"],
    ["a: !<tag:yaml.org,2002:binary> aGk=\n", "JD001 1:4"],
    ["a: !!python/object:os.system x\n", "JD001 1:4"],
    ["a: !local x\n", "JD001 1:4"],
  ];
  for (const [text, where] of tags) {
    const r = refused(text);
    assert.equal(r.where, where, text);
    assert.match(r.message, /^tag .* is not allowed .*only YAML's core tags/);
  }
  assert.match(refused("a: !!binary aGk=\n").message, /^tag !!binary is not allowed/);
  assert.deepEqual(read("a: !!str 1\nb: !!int '2'\nc: !!bool true\nd: !!null ''\ne: !!map {}\nf: !!seq []\n").value, {
    a: "1",
    b: 2,
    c: true,
    d: null,
    e: {},
    f: [],
  });
});

test("load-yaml: integers a double cannot hold exactly are JD015 at the number, quoting it as written", () => {
  const big: [string, string][] = [
    ["a: 9007199254740992\n", "9007199254740992"],
    ["a: [1, -9007199254740993]\n", "-9007199254740993"],
    ["a: 0x20000000000000\n", "0x20000000000000"],
    ["a: 99999999999999999999999\n", "99999999999999999999999"],
    ["9007199254740993: a\n", "9007199254740993"],
  ];
  for (const [text, written] of big) {
    const r = refused(text);
    assert.equal(r.where.split(" ")[0], "JD015");
    assert.ok(r.message.startsWith(`integer ${written} is beyond`), r.message);
  }
  assert.equal(refused("a: [1, -9007199254740993]\n").where, "JD015 1:8");
  assert.deepEqual(read("a: 9007199254740991\nb: -9007199254740991\nc: 1e20\nd: '9007199254740993'\n").value, {
    a: 9007199254740991,
    b: -9007199254740991,
    c: 1e20,
    d: "9007199254740993",
  });
  assert.equal(refused("a: .nan\n").message, "NaN is not a finite number");
  assert.equal(refused("a: [1e400]\n").where, "JD015 1:5");
});

test("load-yaml: every YAML file of the repository's configs trees reads", () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".yml")) files.push(p);
    }
  };
  walk(join(import.meta.dirname, "..", "configs"));
  walk(join(import.meta.dirname, "corpus", "_base"));
  assert.ok(files.length > 50, `${files.length} files`);
  for (const f of files) assert.deepEqual(read(readFileSync(f, "utf8")).diagnostics, [], f);
});

/** Pairs of every mapping in the document, aliases not followed. */
function pairsOf(node: unknown): number {
  if (isMap(node)) return node.items.reduce((n, p) => n + 1 + pairsOf(p.key) + pairsOf(p.value), 0);
  if (isSeq(node)) return node.items.reduce((n: number, i) => n + pairsOf(i), 0);
  return 0;
}

/** Keys of every mapping in a value. */
function keysOf(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + keysOf(v), 0);
  if (value && typeof value === "object") return Object.values(value).reduce((n: number, v) => n + 1 + keysOf(v), 0);
  return 0;
}

function assertReadsSoundly(text: string): void {
  const { value, diagnostics } = read(text);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const d of diagnostics) {
    assert.ok(d.code in CODES, d.code);
    assert.ok(d.line! >= 1 && d.line! <= lines && d.column! >= 1, JSON.stringify({ text, d }));
  }
  if (diagnostics.length) return;
  assert.ok(value && typeof value === "object" && !Array.isArray(value));
  // no value replaced another: every pair written is a key read (aliases aside, which repeat what they name)
  const doc = parseDocument(text.replace(/\r(?!\n)/g, "\n"), YAML_OPTIONS);
  let aliased = false;
  const walk = (n: unknown): void => {
    if (isAlias(n)) aliased = true;
    else if (isMap(n))
      for (const p of n.items) {
        walk(p.key);
        walk(p.value);
      }
    else if (isSeq(n)) n.items.forEach(walk);
  };
  walk(doc.contents);
  if (!aliased) assert.equal(keysOf(value), pairsOf(doc.contents), JSON.stringify(text));
}

/** What a document reads as: its value, or its diagnostics' codes and positions (or only the first's code). */
function outcome(text: string, firstCode = false): string {
  const { value, diagnostics } = read(text);
  if (firstCode) return diagnostics.length ? diagnostics[0].code : JSON.stringify(value);
  return diagnostics.length
    ? JSON.stringify(diagnostics.map((d) => [d.code, d.line, d.column]))
    : JSON.stringify(value);
}

test("load-yaml: generated documents read soundly, and alike with LF, CR LF or CR line ends", () => {
  const property = (text: string) => {
    assertReadsSoundly(text);
    const lf = text.replace(/\r\n?/g, "\n");
    const expected = outcome(lf);
    assert.equal(outcome(lf.replace(/\n/g, "\r")), expected, JSON.stringify(text));
    // `yaml` reads CR LF itself; in the cascade after a syntax error its columns may differ by the CR
    assert.equal(outcome(lf.replace(/\n/g, "\r\n"), true), outcome(lf, true), JSON.stringify(text));
  };
  fc.assert(fc.property(TOKEN_SOUP, property), { numRuns: 3000 });
  fc.assert(fc.property(CONFIG_SHAPED_OR_BROKEN, property), { numRuns: 3000 });
});
