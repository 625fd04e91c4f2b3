/**
 * Issue 20, classes 1 and 6 as a property: for a tree with any characters in any string (names of keys, keyed-by
 * arms, values; written escaped or raw into the YAML), every diagnostic prints as exactly one line in the text and
 * GitHub formats (plus its quoted source line and caret), JSON diagnostics parse, nothing unsafe for a terminal
 * reaches the output, and when the tree compiles every generated .json parses and every .py twin is a literal
 * Python reads as its JSON twin's value, with no raw control byte in any file.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import { formatDiagnostics } from "../src/cli/report.js";
import { checkAllJobs, compile, loadValidTree } from "../src/compile.js";
import type { Diagnostic } from "../src/diagnostics.js";
import { BASE } from "./helpers/tree.js";
import { PythonChecker } from "./python/python-checker.js";

const python = new PythonChecker();
const tmp = mkdtempSync(join(tmpdir(), "jobdef-output-props-"));
after(() => {
  python.close();
  rmSync(tmp, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const SPECIAL = [
  "\0",
  "\x1b",
  "\n",
  "\r",
  "\t",
  "\x7f",
  "\x85",
  "\u2028",
  "\u202e",
  ":",
  ",",
  "%",
  '"',
  "\\",
  "#",
  "'",
];
const hostile = fc.string({
  unit: fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })),
  maxLength: 12,
});
/** A YAML double-quoted scalar of `s`: JSON's escapes, or the characters raw (where YAML may refuse them). */
const quoted = (s: string, raw: boolean) => (raw ? `"${s.replace(/[\\"]/g, "\\$&")}"` : JSON.stringify(s));

let n = 0;
function writeSuite(text: string): string {
  const root = join(tmp, `t${++n}`);
  for (const [path, body] of Object.entries({ ...BASE, "configs/suites/hostile.yml": text })) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), body);
  }
  return root;
}

function assertPrintable(list: readonly Diagnostic[]): void {
  const text = formatDiagnostics(list, "text");
  assert.doesNotMatch(text, UNSAFE);
  // each diagnostic: its line, and at most a quoted line and a caret line, then one line per related position
  const heads = text.split("\n").filter((l) => /^(\S[^\n]*?:\d+:\d+: )?(error|warning) JD\d{3}: /.test(l));
  assert.equal(heads.length, list.length, text);
  for (const l of text.split("\n").filter((x) => x && !heads.includes(x)))
    assert.match(l, /^( {2}[ \d]{4} \| | {7}\| *\^$| {2}\S)/, `a line of its own: ${JSON.stringify(l)}`);
  const github = formatDiagnostics(list, "github").split("\n").slice(0, -1);
  assert.equal(github.length, list.length);
  for (const l of github) {
    assert.match(l, /^::(error|warning)( file=[^,:]*,line=\d+,col=\d+)?,title=JD\d{3}::/);
    assert.doesNotMatch(l, UNSAFE);
  }
  const json = JSON.parse(formatDiagnostics(list, "json")) as Record<string, unknown>[];
  assert.equal(json.length, list.length);
  assert.doesNotMatch(JSON.stringify(json.map((d) => [d.file, d.message, d.related])), UNSAFE);
}

test("any characters in any string: diagnostics are one line each and generated files parse", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({ key: hostile, value: hostile, arm: hostile, option: hostile, raw: fc.boolean(), bad: fc.boolean() }),
      async ({ key, value, arm, option, raw, bad }) => {
        const q = (s: string) => quoted(s, raw);
        const root = writeSuite(
          [
            `description: ${q(value)}`,
            "harness: mochitest",
            'treeherder: {symbol: "H()"}',
            `env: {${q(key)}: ${q(value)}}`,
            `chunks: {by-platform: {${q(arm)}: 2, default: 1}}`,
            `mozharness: {options: [${q(option)}]}`,
            bad ? `${q(key)}: ${q(value)}` : "",
          ].join("\n"),
        );
        try {
          const tree = loadValidTree(root);
          if (!tree.ok) return assertPrintable(tree.diagnostics);
          assertPrintable(tree.warnings);
          const checked = checkAllJobs(tree.value);
          assertPrintable(checked.ok ? checked.warnings : checked.diagnostics);
          const c = compile({ root });
          if (!c.ok) return assertPrintable(c.diagnostics);
          for (const f of c.value.files) {
            // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
            assert.doesNotMatch(f.content, /[\x00-\x09\x0b-\x1f]/, `a raw control character in ${f.path}`);
            if (f.path.endsWith(".json")) JSON.parse(f.content);
          }
          const twins = await python.checkTwins(c.value.files);
          assert.ok(twins.checked > 0);
          assert.deepEqual(twins.failures, []);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      },
    ),
    { numRuns: 40 },
  );
});
