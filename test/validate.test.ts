/** Validation diagnostics: each invalid input gives its code at the exact file:line:col. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { compile, loadValidTree } from "../src/compile.js";
import { writeTree } from "./helpers/tree.js";

const SUITE = "configs/suites/plain.yml";
const PLATFORM = "configs/platforms/linux64.yml";
const suite = (body: string) =>
  `description: Mochitest plain\nharness: mochitest\ntreeherder: {symbol: "M()"}\n${body}`;

// [name, files, code, file, line, column, message fragment]
const CASES: [string, Record<string, string>, string, string, number, number, string][] = [
  ["tab indentation", { [SUITE]: suite("mozharness:\n\toptions: [a]\n") }, "JD001", SUITE, 5, 1, "Tabs"],
  ["unclosed quote", { [SUITE]: suite('chunks: "3\n') }, "JD001", SUITE, 4, 9, ""],
  ["unclosed bracket", { [SUITE]: suite("mozharness: {options: [a, b}\n") }, "JD001", SUITE, 4, 28, ""],
  [
    "bad indentation",
    { [SUITE]: suite("mozharness:\n  script: a\n   options: [b]\n") },
    "JD001",
    SUITE,
    5,
    11,
    "indentation",
  ],
  ["duplicate key", { [SUITE]: suite("chunks: 2\nchunks: 3\n") }, "JD002", SUITE, 5, 1, "unique"],
  ["scalar document", { [SUITE]: "just a string\n" }, "JD003", SUITE, 1, 1, "scalar"],
  ["list document", { [SUITE]: "- a\n- b\n" }, "JD003", SUITE, 1, 1, "list"],
  ["empty file", { [SUITE]: "" }, "JD003", SUITE, 1, 1, "empty"],
  ["wrong type (chunks)", { [SUITE]: suite("chunks: many\n") }, "JD010", SUITE, 4, 9, "integer"],
  ["wrong type (options)", { [SUITE]: suite("mozharness: {options: --x}\n") }, "JD010", SUITE, 4, 23, "array"],
  [
    "wrong type in keyed-by arm",
    { [SUITE]: suite("chunks: {by-platform: {linux64: x, default: 1}}\n") },
    "JD010",
    SUITE,
    4,
    33,
    "integer",
  ],
  [
    "wrong type in platform",
    {
      [PLATFORM]:
        "description: L\nos: linux\nbuild-types: opt\ntreeherder: {machine: l}\nworker: {implementation: docker-worker, provisioner: p, worker-type: w}\n",
    },
    "JD010",
    PLATFORM,
    3,
    14,
    "array",
  ],
  [
    "unknown key (suite) with suggestion",
    { [SUITE]: suite("chunk: 2\n") },
    "JD011",
    SUITE,
    4,
    1,
    'did you mean "chunks"',
  ],
  [
    "unknown nested key with suggestion",
    { [SUITE]: suite("mozharness: {scirpt: a.py}\n") },
    "JD011",
    SUITE,
    4,
    14,
    'did you mean "script"',
  ],
  [
    "unknown key (platform)",
    {
      [PLATFORM]:
        "description: L\nos: linux\nbuild-type: [opt]\nbuild-types: [opt]\ntreeherder: {machine: l}\nworker: {implementation: docker-worker, provisioner: p, worker-type: w}\n",
    },
    "JD011",
    PLATFORM,
    3,
    1,
    'did you mean "build-types"',
  ],
  [
    "missing required key (suite)",
    { [SUITE]: "description: d\nharness: mochitest\n" },
    "JD012",
    SUITE,
    1,
    1,
    "treeherder",
  ],
  [
    "missing harness or generic",
    { [SUITE]: "description: d\ntreeherder: {symbol: X}\n" },
    "JD012",
    SUITE,
    1,
    1,
    "harness",
  ],
  [
    "missing required key (platform worker)",
    {
      [PLATFORM]:
        "description: L\nos: linux\nbuild-types: [opt]\ntreeherder: {machine: l}\nworker: {implementation: docker-worker, provisioner: p}\n",
    },
    "JD012",
    PLATFORM,
    5,
    9,
    "worker-type",
  ],
  ["value out of range", { [SUITE]: suite("max-run-time: 100000\n") }, "JD013", SUITE, 4, 15, "<= 86400"],
  ["tier out of range", { [SUITE]: suite("retry: {retries: 50}\n") }, "JD013", SUITE, 4, 18, "<= 49"],
  [
    "enum",
    {
      [PLATFORM]:
        "description: L\nos: beos\nbuild-types: [opt]\ntreeherder: {machine: l}\nworker: {implementation: docker-worker, provisioner: p, worker-type: w}\n",
    },
    "JD013",
    PLATFORM,
    2,
    5,
    "linux",
  ],
  ["zero chunks", { [SUITE]: suite("chunks: 0\n") }, "JD034", SUITE, 4, 9, "at least 1"],
  [
    "bad suite name",
    { "configs/suites/Bad_Name.yml": suite("") },
    "JD014",
    "configs/suites/Bad_Name.yml",
    1,
    1,
    "not a valid suite name",
  ],
  [
    "bad treeherder symbol",
    { [SUITE]: "description: d\nharness: mochitest\ntreeherder: {symbol: 'M(('}\n" },
    "JD013",
    SUITE,
    3,
    22,
    "does not match",
  ],
  [
    "unknown harness",
    { [SUITE]: "description: d\nharness: mochitets\ntreeherder: {symbol: X}\n" },
    "JD020",
    SUITE,
    2,
    10,
    'did you mean "mochitest"',
  ],
  [
    "unknown platform tag",
    { [SUITE]: suite("run-on: {platform-tags: [desktp]}\n") },
    "JD020",
    SUITE,
    4,
    26,
    'did you mean "desktop"',
  ],
  [
    "unknown checked-in branch",
    {
      "configs/defaults.yml":
        "tree:\n  checked-in: {branches: [centrl]}\njob: {chunks: 1, max-run-time: 10, retry: {retries: 1}}\n",
    },
    "JD020",
    "configs/defaults.yml",
    2,
    27,
    "centrl",
  ],
  [
    "branch platform pattern matches nothing",
    { "configs/branches/central.yml": "description: t\nrepository: https://h/c\nplatforms: [linux65]\n" },
    "JD022",
    "configs/branches/central.yml",
    3,
    13,
    "linux64",
  ],
  [
    "invalid regular expression",
    { "configs/branches/central.yml": "description: t\nrepository: https://h/c\nplatforms: ['linux[']\n" },
    "JD021",
    "configs/branches/central.yml",
    3,
    13,
    "not a valid regular expression",
  ],
  [
    "invalid keyed-by arm regex",
    { [SUITE]: suite("chunks: {by-platform: {'lin(ux': 2, default: 1}}\n") },
    "JD021",
    SUITE,
    4,
    24,
    "not a valid regular expression",
  ],
  [
    "unknown keyed-by attribute",
    { [SUITE]: suite("chunks: {by-bulid-type: {debug: 2, default: 1}}\n") },
    "JD023",
    SUITE,
    4,
    10,
    'did you mean "by-build-type"',
  ],
  ["empty keyed-by", { [SUITE]: suite("chunks: {by-platform: {}}\n") }, "JD010", SUITE, 4, 23, "non-empty"],
  ["operator on a scalar", { [SUITE]: suite("chunks: {$append: [1]}\n") }, "JD032", SUITE, 4, 10, "integer"],
  ["non-finite number", { [SUITE]: suite("chunks: .inf\n") }, "JD015", SUITE, 4, 9, "finite"],
];

for (const [name, files, code, file, line, column, fragment] of CASES) {
  test(`validate: ${name} → ${code} at ${file}:${line}:${column}`, () => {
    const r = loadValidTree(writeTree(files));
    assert.equal(r.ok, false, `expected ${code}, tree was valid`);
    if (r.ok) return;
    const d = r.diagnostics.find((x) => x.code === code);
    assert.ok(d, `no ${code} in ${JSON.stringify(r.diagnostics, null, 1)}`);
    assert.deepEqual([d.file, d.line, d.column], [file, line, column], d.message);
    assert.ok(d.message.includes(fragment), `"${d.message}" lacks "${fragment}"`);
  });
}

test("validate: a BOM and CRLF line ends are accepted", () => {
  const r = loadValidTree(writeTree({ [SUITE]: `\uFEFF${suite("chunks: 2\n").replace(/\n/g, "\r\n")}` }));
  assert.equal(r.ok, true, JSON.stringify(!r.ok && r.diagnostics));
});

test("validate: YAML 1.2 core schema keeps no/on/yes as strings", () => {
  const r = loadValidTree(writeTree({ [SUITE]: suite("env: {A: no, B: on, C: yes}\n") }));
  assert.ok(r.ok);
  const env = (r.value.suites.get("plain")!.layer.value as { env: unknown }).env;
  assert.deepEqual(env, { A: "no", B: "on", C: "yes" });
});

test("validate: a missing defaults.yml is named, not an I/O error", () => {
  const r = loadValidTree(writeTree({ "configs/defaults.yml": null }));
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.diagnostics.map((d) => [d.code, d.file, d.line, d.column]), [
    ["JD009", "configs/defaults.yml", 1, 1],
  ]);
});

test("validate: keys named after Object.prototype's properties in a job layer are unknown keys, each reported once", () => {
  const defaults = readFileSync(join(writeTree(), "configs/defaults.yml"), "utf8").replace(
    /^job:\n(?<body>[\s\S]*?) {2}mozharness:\n/m,
    "job:\n  __proto__: {x: 1}\n$<body>  mozharness:\n    constructor: 1\n",
  );
  const r = loadValidTree(writeTree({ "configs/defaults.yml": defaults }));
  assert.equal(r.ok, false);
  const lines = defaults.split("\n");
  const at = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
  assert.deepEqual(!r.ok && r.diagnostics.map((d) => [d.code, d.file, d.line, d.column]), [
    ["JD011", "configs/defaults.yml", at("__proto__"), 3],
    ["JD011", "configs/defaults.yml", at("constructor"), 5],
  ]);
});

test("validate: mozharness.script unset by null is JD035 at the null, once, never a fall back to another script", () => {
  const central = (job: string) =>
    `description: trunk\nrepository: https://hg.mozilla.org/mozilla-central\nplatforms: [".*"]\n${job}`;
  const cases: [string, number, number][] = [
    ["job:\n  mozharness:\n    script: null\n", 6, 13],
    ["job:\n  mozharness: null\n", 5, 15],
    [
      "job:\n  mozharness:\n    script:\n      by-platform:\n        win32: null\n        default: scripts/x.py\n",
      8,
      16,
    ],
  ];
  for (const [job, line, column] of cases) {
    const r = compile({ root: writeTree({ "configs/branches/central.yml": central(job) }), targets: [] });
    assert.equal(r.ok, false, job);
    assert.deepEqual(
      !r.ok && r.diagnostics.map((d) => [d.code, d.file, d.line, d.column]),
      [["JD035", "configs/branches/central.yml", line, column]],
      job,
    );
    assert.match(
      !r.ok ? r.diagnostics[0].message : "",
      /mozharness(\.script)? is needed by the job, but null here unsets it/,
    );
  }
});
