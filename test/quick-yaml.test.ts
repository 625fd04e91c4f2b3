/** load.ts's quick path (js-yaml) against `yaml`: whatever the quick path accepts, `yaml` reads the same way. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { parseDocument } from "yaml";
import { quickYaml } from "../src/quick-yaml.js";
import { YAML_OPTIONS } from "../src/source.js";

/** `yaml`'s value, or undefined when load.ts would report an error. */
function yamlValue(text: string): { value: unknown } | undefined {
  const doc = parseDocument(text, YAML_OPTIONS);
  if (doc.errors.length || doc.warnings.some((w) => w.code === "TAG_RESOLVE_FAILED")) return undefined;
  return { value: doc.toJS({ maxAliasCount: 100 }) };
}

/** Equal values, keys in the same order, -0 and NaN told apart as Object.is does. */
function same(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function assertAgrees(text: string): void {
  const quick = quickYaml(text);
  if (quick === undefined) return; // left to `yaml`
  const full = yamlValue(text);
  assert.ok(full, `the quick path accepted what yaml refuses: ${JSON.stringify(text)}`);
  assert.ok(same(quick, full.value), `different values for ${JSON.stringify(text)}`);
}

const SCALARS = [
  ...["", "~", "null", "Null", "NULL", "nUll", "true", "True", "TRUE", "tRue", "yes", "no", "on", "off", "y", "n"],
  ...["0", "-0", "+0", "00", "007", "0o17", "0O17", "0o8", "-0o17", "0x1F", "0X1F", "-0x1F", "+0x1f", "0b101"],
  ...["1_000", "1,000", "12345678901234567890", "1.5", "-1.5", "+1.5", ".5", "-.5", "5.", "1e3", "1E3", "1e+3"],
  ...["1.5e-3", ".5e3", "1.e3", "e3", "1e", ".inf", ".Inf", "-.inf", "+.inf", ".nan", ".NaN", "-.nan", "nan", "inf"],
  ...["0.0", "-0.0", "1:2", "1:20:30", "2001-12-14", "<<", "0x", "0o", "+", ".", "1.2.3", "1e400", "-1.8e308"],
  ...["9".repeat(400), `0x${"F".repeat(300)}`, `0o${"7".repeat(400)}`, "@a", "`a", "-a", ":a", "?a", "a: b"],
];

const DOCUMENTS = [
  ...[
    "~: a\n",
    "null: a\n",
    ": a\n",
    "? a\n: b\n",
    "true: a\n",
    "1: a\n",
    "1.0: a\n",
    "1: a\n'1': b\n",
    "a: 1\na: 2\n",
  ],
  ...["k: |\n  a\n  b\n", "k: |-\n  a\n\n", "k: |+\n  a\n\n\n", "k: >\n  a\n  b\n\n  c\n", "k: >-\n  a\n   b\n  c\n"],
  ...["k: |2\n   a\n", "k: a\n  b\n  c\n", "k: 'a\n  b'\n", 'k: "\\x41\\u0042\\U00000043\\N\\_\\L\\P\\e\\0"\n'],
  ...['k: "a\\\n  b"\n', "k: 'it''s'\n", "k: a   \n", "k:\ta\n", "k: [a, b, ]\n", "k: {a: 1, b: }\n", "k: {a, b}\n"],
  ...["k: [a: 1]\n", "k:\n- a\n-\n", "\ufeffk: a\n", "k: a\r\nl: b\r\n", "---\nk: a\n", "k: a\n...\n", "k: a#c\n"],
  ...["k: a\u2028b\n", "k: a\u0085b\n", "k: 'a\u00a0b'\n", "k: a\tb\n", "a:\n  b: 1\n   c: 2\n", "a: 'b\n\tc'\n"],
  ...["a: |\n\tb\n", "a:\n\t- b\n", "a: b\n c\n", 'a: "b" c\n', "a: [b] c\n", "a: b:c\n", "a: http://x/y?a=1&b#f\n"],
  ...[
    "- - a\n  - b\n",
    "a: >2-\n    b\n",
    "<<: {a: 1}\nb: 2\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "%YAML 1.2\n---\na: 1\n",
  ],
  ...[
    "(: \n  - \n    a: &- (:\n",
    "a: &x b: c\n",
    "a: 1\n---\nb: 2\n",
    "__proto__: {a: 1}\n",
    "a: {__proto__: 1}\n",
    "a: [[[[[[1]]]]]]\n",
    'a: "\\uD800"\n',
  ],
  // found by generated documents: markers, indentation indicators, a BOM inside, an anchor named by a no-break space
  ...["...\r\n1ob: \n", "k:\n  |1-\n\n    \n", "\r\n\ufeff:\n# c\n", "k: >+1\n    \n", "k:\n  >1\n    \n"],
  ...[
    "k: &\u00a0  e0: e\r\n\n",
    "  k1: \n  #%i: 'm\n    l'\n  S: [V]\n  x#y: {}\n",
    "... .inf|]-0:\n",
    "a: 1\n---\n",
    " ---\n    0x1F:\n",
  ],
  ...["k: a & b\n", 'p: ["linux(32|64)", "b|2"]\n', "k: |\n  x\n", "k: >-\n  x\n"],
];

test("quick-yaml: edge-case scalars and documents read as yaml reads them, or are left to yaml", () => {
  for (const s of SCALARS) {
    assertAgrees(`k: ${s}\n`);
    assertAgrees(`${s}: v\n`);
    assertAgrees(`k: [${s}]\n`);
  }
  for (const d of DOCUMENTS) assertAgrees(d);
});

test("quick-yaml: comments at a line's start before indented lines, which yaml 2.9 misreads, are left to it", () => {
  for (const text of ["k:\n#c\n  l\na: 1\n", "k:\n  - \n#c\n    l\n  - m\n", "k:\n#c\n\n# d\n  v\n"])
    assert.equal(quickYaml(text), undefined, JSON.stringify(text));
  assert.deepEqual(quickYaml("# c\nk:\n  # d\n  v: 1\n# e\nl: 2\n"), { k: { v: 1 }, l: 2 });
  // one pass over the lines, however many comments
  const start = performance.now();
  assert.equal(quickYaml(`${"#\n".repeat(1_000_000)}  k: v\n`), undefined);
  assert.ok(performance.now() - start < 5000);
});

test("quick-yaml: what yaml refuses or reads differently never takes the quick path", () => {
  for (const text of ["null: a\n", "~: a\n", "k: 1e400\n", "a: &x 1\nb: *x\n", "a: !!binary aGk=\n", "a: 1\na: 2\n"])
    if (quickYaml(text) !== undefined) assertAgrees(text);
  assert.equal(quickYaml("a: 1\n---\nb: 2\n"), undefined);
  assert.equal(quickYaml(`${"a:\n".repeat(70).replace(/\n/g, (_, i) => `\n${" ".repeat(i / 3)}`)}1\n`), undefined);
});

test("quick-yaml: every YAML file of the repository reads the same both ways", () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) files.push(p);
    }
  };
  walk(join(import.meta.dirname, ".."));
  assert.ok(files.length > 50, `${files.length} YAML files`);
  let quick = 0;
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    assertAgrees(text);
    if (quickYaml(text) !== undefined) quick++;
  }
  assert.ok(quick > files.length / 2, `${quick} of ${files.length} files take the quick path`);
});

test("quick-yaml: generated token soups read as yaml reads them, or are left to yaml", () => {
  const token = fc.constantFrom(
    ...["a", "b", "k", "1", "0", "-", ".", "e", "x", "o", "5", " ", "  ", "\n", "\n  ", "\n    ", "\t", ":", ": "],
    ...["- ", "#", " #", "'", '"', "[", "]", "{", "}", ", ", ",", "|", ">", "|-", ">+", "?", "? ", "&", "*", "!"],
    ...["%", "~", "null", "true", "@", "`", "\\", "\\n", "\r\n", "---", "...", "<<", "é", "\u2028", "\u00a0", "0x1F"],
    ...["1e5", "1e400", ".inf", ".nan", "-0", "0o7", "__proto__", "\ufeff", "\\u0041", "''", '""'],
  );
  const doc = fc
    .tuple(fc.constantFrom("", "k: ", "k:\n  ", "- ", "a: 1\nk: "), fc.array(token, { maxLength: 40 }))
    .map(([head, tokens]) => `${head}${tokens.join("")}\n`);
  fc.assert(
    fc.property(doc, (text) => assertAgrees(text)),
    { numRuns: 10_000 },
  );
});

/** Config-shaped documents: block and flow collections nested three deep, keys and scalars of every style. */
const SCALAR = fc.oneof(
  fc.constantFrom(
    ...["a", "b c", "1", "-1", "0.5", "1e3", "~", "null", "true", "'q'", '"d"', "'a''b'", '"a\\"b"', '"\\u00e9"'],
    ...["x: y", "a #c", "a#b", "- a", "[a]", "{a: b}", "[]", "{}", "|\n  t", ">\n  f\n  g", "|-\n  t\n", "'m\n  l'"],
    ...['"m\n  l"', "p\n  c", "http://a?b=1&c", "%s", "%(x)s", "@", "`", "a:b", "a :b", "? ", "*", "&a b", ".", "-"],
    ...["--", "...", "0o12", "0x1f", ".inf", "é", "\u2028", "\u0085", "\u00a0", "a  ", " ", ""],
  ),
  fc.string({ maxLength: 8 }),
);
const KEY = fc.oneof(
  fc.constantFrom(...["a", "b", "k1", "'q'", '"d k"', "1", "true", "a b", "-a", "a-", "a.b", "<<", "? a", "[a]"]),
  fc.constantFrom(...["{a: 1}", "'a: b'", '"#"', "x#y"]),
  fc.string({ maxLength: 5 }),
);
const indented = (text: string) =>
  text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
const NODE: fc.Memo<string> = fc.memo((n) =>
  n <= 1
    ? SCALAR
    : fc.oneof(
        SCALAR,
        fc
          .array(fc.tuple(KEY, NODE(n - 1)), { minLength: 1, maxLength: 4 })
          .map((kv) => `\n${kv.map(([k, v]) => indented(`${k}: ${v}`)).join("\n")}`),
        fc
          .array(NODE(n - 1), { minLength: 1, maxLength: 4 })
          .map((vs) => `\n${vs.map((v) => indented(`- ${v}`)).join("\n")}`),
        fc.array(NODE(n - 1), { maxLength: 3 }).map((vs) => `[${vs.join(", ")}]`),
        fc
          .array(fc.tuple(KEY, NODE(n - 1)), { maxLength: 3 })
          .map((kv) => `{${kv.map(([k, v]) => `${k}: ${v}`).join(", ")}}`),
      ),
);
const CONFIG_SHAPED = fc
  .array(fc.tuple(KEY, NODE(3)), { minLength: 1, maxLength: 5 })
  .map((kv) => `${kv.map(([k, v]) => `${k}: ${v}`).join("\n")}\n`);

test("quick-yaml: generated config-shaped documents, and each with one character more, read as yaml reads them", () => {
  fc.assert(
    fc.property(CONFIG_SHAPED, (text) => assertAgrees(text)),
    { numRuns: 5_000 },
  );
  const extra = fc.constantFrom(
    ...[" ", "\n", ":", "-", "'", '"', "#", "[", "{", "}", "]", ",", "|", ">", "  ", "\n  ", "&"],
  );
  fc.assert(
    fc.property(CONFIG_SHAPED, fc.nat(), extra, (text, at, ch) => {
      const i = at % (text.length + 1);
      assertAgrees(text.slice(0, i) + ch + text.slice(i));
    }),
    { numRuns: 5_000 },
  );
});
