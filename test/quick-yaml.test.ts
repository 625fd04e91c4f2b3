/** load.ts's quick path (js-yaml) against `yaml`: whatever the quick path accepts, `yaml` reads the same way. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { quickYaml } from "../src/quick-yaml.js";
import { CONFIG_SHAPED_OR_BROKEN, disagreement, TOKEN_SOUP } from "./helpers/yaml-documents.js";

function assertAgrees(text: string): void {
  const problem = disagreement(text);
  assert.equal(problem, undefined, problem);
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
  ...[
    "k: a & b\n",
    "a: 1\nk: \r\n- ''? \\u0041e#b\n",
    "k:\n- ''? x\n",
    "\ufeff...\n  \\n:\n",
    "\ufeff---\na: 1\n",
    "k:\n- {a: 1}0, x: 0}\n",
    "k:\n  \n- ''1e50x1F  \"\"k:\n",
    "k: # c\n- a\n",
    'p: ["linux(32|64)", "b|2"]\n',
    "k: |\n  x\n",
    "k: >-\n  x\n",
  ],
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
  const left = ["null: a\n", "~: a\n", "k: 1e400\n", "k: [.inf]\n", "k: {a: .nan}\n", "a: &x 1\nb: *x\n"];
  for (const text of [...left, "a: !!binary aGk=\n", "a: 1\na: 2\n", "a: 1\n---\nb: 2\n", "- a\n", "a\n"])
    assert.equal(quickYaml(text), undefined, JSON.stringify(text));
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

test("quick-yaml: generated documents read as yaml reads them, or are left to yaml", () => {
  // scripts/fuzz-quick-yaml.ts runs the same for as long as wanted (4,000,000 documents before this change)
  fc.assert(fc.property(TOKEN_SOUP, assertAgrees), { numRuns: 10_000 });
  fc.assert(fc.property(CONFIG_SHAPED_OR_BROKEN, assertAgrees), { numRuns: 10_000 });
});
