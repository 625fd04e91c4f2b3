/**
 * Seeded property tests on generated trees (fast-check), in-process for speed: a valid tree always compiles, to the
 * same bytes twice; a random mutation of a valid tree compiles or yields positioned diagnostics with known codes,
 * never an exception; and the Python twins of every compiled tree equal their JSON siblings under python3.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import { compile } from "../src/compile.js";
import { CODES } from "../src/diagnostics.js";
import type { OutputFile } from "../src/emit/types.js";
import { fileTexts } from "./helpers/tree.js";
import { PythonChecker } from "./python/python-checker.js";

const SEED = 20151;
const python = new PythonChecker();
after(() => python.close());
/** The output files of every generated tree, for the python3 check of their twins. */
const compiledFiles: OutputFile[][] = [];

/** YAML text of a JSON value: JSON is YAML, with everything outside printable ASCII escaped. */
function yamlOf(value: unknown): string {
  return `${JSON.stringify(value, null, 1).replace(/[^\x20-\x7e\n]/gu, (c) =>
    [...c].map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
  )}\n`;
}

const PLATFORMS = {
  linux64: "linux",
  "linux64-asan": "linux",
  win32: "windows",
  "macosx64-10.10": "macosx",
  "android-4.3": "android",
} as const;
type PlatformName = keyof typeof PLATFORMS;
const text = fc.string({ unit: "binary", maxLength: 12 });

const platformArb = fc.record({
  name: fc.constantFrom(...(Object.keys(PLATFORMS) as PlatformName[])),
  buildTypes: fc.subarray(["opt", "debug", "pgo"], { minLength: 1 }),
  tags: fc.subarray(["desktop", "mobile", "e10s"]),
  settings: fc.dictionary(fc.constantFrom("exes", "binary_path", "__proto__", "constructor", "x"), text, {
    maxKeys: 3,
  }),
});

const suiteArb = fc.record({
  generic: fc.boolean(),
  chunks: fc.oneof(
    fc.integer({ min: 1, max: 4 }),
    fc.record({ debug: fc.integer({ min: 1, max: 3 }), default: fc.integer({ min: 1, max: 3 }) }),
  ),
  env: fc.dictionary(fc.constantFrom("MOZ_LOG", "__proto__", "constructor", "A_B"), text, { maxKeys: 3 }),
  options: fc.array(text, { maxLength: 3 }),
  tier: fc.integer({ min: 1, max: 3 }),
  tags: fc.option(fc.subarray(["desktop", "mobile", "e10s"], { minLength: 1 }), { nil: undefined }),
});

/** A valid tree as file path → text. Suite names have no digits or dashes, so no label can clash with a chunk's. */
const treeArb = fc
  .record({
    platforms: fc.uniqueArray(platformArb, { minLength: 1, maxLength: 3, selector: (p) => p.name }),
    branches: fc.subarray(["central", "try", "beta"], { minLength: 1 }),
    suites: fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), suiteArb), {
      minLength: 1,
      maxLength: 5,
      selector: (s) => s[0],
    }),
  })
  .map(({ platforms, branches, suites }) => {
    const files: Record<string, string> = {};
    const tags = new Set(platforms.flatMap((p) => p.tags));
    files["defaults.yml"] = yamlOf({
      tree: { "checked-in": { branches } },
      job: {
        chunks: 1,
        "max-run-time": 3600,
        retry: { retries: 2 },
        mozharness: { script: "scripts/desktop_unittest.py" },
      },
    });
    files["harnesses/mochitest.yml"] = yamlOf({
      description: "m",
      "run-file": "runtests.py",
      "tests-dir": "mochitest",
      "zip-dirs": ["mochitest/*"],
      options: ["--x=%(binary_path)s"],
      job: { mach: { command: "mochitest" } },
    });
    for (const p of platforms) {
      const worker =
        PLATFORMS[p.name] === "windows" || PLATFORMS[p.name] === "macosx" ? "generic-worker" : "docker-worker";
      files[`platforms/${p.name}.yml`] = yamlOf({
        description: p.name,
        os: PLATFORMS[p.name],
        "build-types": p.buildTypes,
        tags: p.tags,
        treeherder: { machine: p.name },
        worker: {
          implementation: worker,
          provisioner: "aws-provisioner-v1",
          "worker-type": "t",
          ...(worker === "docker-worker" ? { image: "i:1" } : {}),
        },
        mozharness: { settings: p.settings },
      });
    }
    for (const b of branches)
      files[`branches/${b}.yml`] = yamlOf({
        description: b,
        repository: `https://hg.mozilla.org/${b}`,
        platforms: [".*"],
      });
    suites.forEach(([name, s], i) => {
      const usableTags = s.tags?.filter((t) => tags.has(t));
      files[`suites/${name}.yml`] = yamlOf({
        description: `suite ${name}`,
        ...(s.generic
          ? { generic: { command: ["./mach", "test", ...s.options], cwd: "." } }
          : { harness: "mochitest" }),
        treeherder: { symbol: `S${i}`, tier: s.tier },
        chunks: typeof s.chunks === "number" ? s.chunks : { "by-build-type": s.chunks },
        env: s.env,
        ...(s.generic ? {} : { mozharness: { options: s.options } }),
        ...(usableTags?.length ? { "run-on": { "platform-tags": usableTags } } : {}),
      });
    });
    return files;
  });

function withTree<T>(files: Record<string, string>, run: (root: string) => T): T {
  const root = mkdtempSync(join(tmpdir(), "jobdef-props-"));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, "configs", path)), { recursive: true });
      writeFileSync(join(root, "configs", path), content);
    }
    return run(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test("a valid generated tree always compiles, to the same files twice", () => {
  fc.assert(
    fc.property(treeArb, (files) =>
      withTree(files, (root) => {
        const first = compile({ root });
        assert.ok(first.ok, JSON.stringify(!first.ok && first.diagnostics.slice(0, 3)));
        const second = compile({ root });
        assert.ok(second.ok);
        assert.deepEqual(fileTexts(second.value.files), fileTexts(first.value.files));
        compiledFiles.push([...first.value.files]);
      }),
    ),
    { seed: SEED, numRuns: 60 },
  );
});

test("every Python twin of those trees equals its JSON sibling under python3", async () => {
  assert.ok(compiledFiles.length > 0);
  let checked = 0;
  for (const files of compiledFiles) {
    const r = await python.checkTwins(files);
    assert.deepEqual(r.failures, []);
    checked += r.checked;
  }
  assert.ok(checked > 0, "no twins checked");
});

const HOSTILE = [
  "\t",
  ":",
  "- ",
  "[",
  "]",
  "{",
  "}",
  '"',
  "'",
  "&a ",
  "*a",
  "!!str ",
  "!!python/object ",
  "%",
  "@",
  "`",
  "\0",
  "\u{1F600}",
  "\uFEFF",
  "\r\n",
  "by-platform: ",
  "$remove: ",
  "null",
  "-1",
  "1e999",
  "<<: ",
];

/** One random edit of one file: delete, duplicate or swap lines, insert hostile text, re-indent, truncate. */
const mutationArb = fc.record({
  file: fc.nat(),
  kind: fc.constantFrom("delete", "duplicate", "swap", "insert", "indent", "truncate", "replace"),
  a: fc.nat(),
  b: fc.nat(),
  insert: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: "binary", maxLength: 6 })),
});

type Mutation = { file: number; kind: string; a: number; b: number; insert: string };

function mutate(files: Record<string, string>, m: Mutation): Record<string, string> {
  const paths = Object.keys(files).sort();
  const path = paths[m.file % paths.length];
  const lines = files[path].split("\n");
  const i = m.a % lines.length;
  const j = m.b % lines.length;
  switch (m.kind) {
    case "delete":
      lines.splice(i, 1);
      break;
    case "duplicate":
      lines.splice(i, 0, lines[i]);
      break;
    case "swap":
      [lines[i], lines[j]] = [lines[j], lines[i]];
      break;
    case "insert": {
      const at = m.b % (lines[i].length + 1);
      lines[i] = lines[i].slice(0, at) + m.insert + lines[i].slice(at);
      break;
    }
    case "indent":
      lines[i] = `${" ".repeat(m.b % 5)}${lines[i].trimStart()}`;
      break;
    case "truncate":
      lines.length = i;
      break;
    case "replace":
      lines[i] = lines[i].replace(/: .*$/, `: ${m.insert}`);
      break;
  }
  return { ...files, [path]: lines.join("\n") };
}

test("a mutated valid tree compiles or yields positioned diagnostics, never an exception", () => {
  const outcomes = { compiled: 0, refused: 0 };
  fc.assert(
    fc.property(treeArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (files, mutations) => {
      const bad = mutations.reduce(mutate, files);
      withTree(bad, (root) => {
        const r = compile({ root });
        outcomes[r.ok ? "compiled" : "refused"]++;
        if (r.ok) return;
        assert.ok(r.diagnostics.length > 0);
        for (const d of r.diagnostics) {
          assert.ok(d.code in CODES, `unknown code ${d.code}`);
          assert.ok(d.message.length > 0);
          if (d.file !== undefined) assert.ok((d.line ?? 0) >= 1 && (d.column ?? 0) >= 1, JSON.stringify(d));
        }
      });
    }),
    { seed: SEED, numRuns: 120 },
  );
  // The mutations must reach both outcomes, or the property proves little.
  assert.ok(outcomes.refused > 20 && outcomes.compiled > 0, JSON.stringify(outcomes));
  console.log(`mutations: ${JSON.stringify(outcomes)}`);
});
