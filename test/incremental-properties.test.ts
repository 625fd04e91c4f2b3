/**
 * The incremental paths are an optimisation only: through a random sequence of edits to random trees (values of every
 * kind of layer, files added, removed, broken, output edited by hand, cache records damaged or put back stale), every
 * compile that may use the cache (the up-to-date proof, the output record, the task graph's pieces copied from the
 * last output, writing by difference over the last output)
 * leaves the directory byte for byte as a cold `--no-cache` compile of the same tree into an empty directory does,
 * fails exactly when that one fails, and `check`'s proof never calls current a directory a cold check does not.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { listFiles } from "../src/check.js";
import { type CompileOptions, compileOnce } from "../src/cli/compile.js";
import { ExitError } from "../src/cli/errors.js";
import { proveUpToDate } from "../src/up-to-date.js";
import { writeTree } from "./helpers/tree.js";

type Edit =
  | { kind: "chunks"; suite: number; chunks: number }
  | { kind: "comment"; file: number }
  | { kind: "touch"; file: number }
  | { kind: "add-suite"; suite: number }
  | { kind: "remove-suite"; suite: number }
  | { kind: "build-types"; debug: boolean }
  | { kind: "break"; suite: number }
  | { kind: "hand-edit-output"; file: number; sameSize: boolean; middle: boolean }
  | { kind: "delete-output"; file: number }
  | { kind: "value"; layer: number; variant: number }
  | { kind: "cache"; record: number; damage: Damage }
  | { kind: "stale-cache" };

/** What is done to a cache record: cut short, a byte changed, another format, or another jobdef's (checksum valid). */
type Damage = "truncate" | "flip" | "format" | "foreign";

const SUITES = ["plain", "extra-a", "extra-b"];

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("chunks" as const), suite: fc.nat(2), chunks: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant("comment" as const), file: fc.nat() }),
  fc.record({ kind: fc.constant("touch" as const), file: fc.nat() }),
  fc.record({ kind: fc.constant("add-suite" as const), suite: fc.integer({ min: 1, max: 2 }) }),
  fc.record({ kind: fc.constant("remove-suite" as const), suite: fc.integer({ min: 1, max: 2 }) }),
  fc.record({ kind: fc.constant("build-types" as const), debug: fc.boolean() }),
  fc.record({ kind: fc.constant("break" as const), suite: fc.nat(2) }),
  fc.record({
    kind: fc.constant("hand-edit-output" as const),
    file: fc.nat(),
    sameSize: fc.boolean(),
    middle: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("delete-output" as const), file: fc.nat() }),
  fc.record({ kind: fc.constant("value" as const), layer: fc.nat(), variant: fc.nat(3) }),
  fc.record({ kind: fc.constant("value" as const), layer: fc.nat(), variant: fc.nat(3) }),
  fc.record({
    kind: fc.constant("cache" as const),
    record: fc.nat(),
    damage: fc.constantFrom<Damage>("truncate", "flip", "format", "foreign"),
  }),
  fc.record({ kind: fc.constant("stale-cache" as const) }),
);

/**
 * Edits of a value that reaches the output, one per kind of layer: [file, pattern, replacement of variant v]. Each
 * reaches the jobs of some units only (a suite's, a platform's) or of all (defaults, the harness, the branch).
 */
const VALUES: readonly [string, RegExp, (v: number) => string][] = [
  ["configs/suites/plain.yml", /^description: .*$/m, (v) => `description: Mochitest plain ${v}`],
  ["configs/suites/extra-a.yml", /^description: .*$/m, (v) => `description: extra ${v}`],
  ["configs/platforms/linux64.yml", /machine: [\w-]+/, (v) => `machine: linux64-${v}`],
  ["configs/platforms/win32.yml", /worker-type: [\w-]+/, (v) => `worker-type: win7-${v}`],
  ["configs/defaults.yml", /max-run-time: \d+/, (v) => `max-run-time: ${3600 + v}`],
  ["configs/harnesses/mochitest.yml", /^options: .*$/m, (v) => `options: ["--appname=%(binary_path)s", "--v${v}"]`],
  ["configs/branches/central.yml", /^repository: .*$/m, (v) => `repository: https://hg.mozilla.org/central-${v}`],
];

/** The record's text damaged; a "foreign" record keeps a valid checksum but names another jobdef's code. */
function damaged(text: string, damage: Damage): string {
  const newline = text.indexOf("\n");
  switch (damage) {
    case "truncate":
      return text.slice(0, Math.max(0, Math.floor(text.length / 2)));
    case "flip": {
      const at = newline + 1 + Math.floor((text.length - newline - 1) / 3);
      return `${text.slice(0, at)}${text[at] === "1" ? "2" : "1"}${text.slice(at + 1)}`;
    }
    case "format":
      return text.replace(/^jobdef-cache \d+/, "jobdef-cache 0");
    case "foreign": {
      // the record and each addition appended to it (a line of its own: checksum, space, body)
      const [body, ...additions] = text
        .slice(newline + 1)
        .split("\n")
        .map((line, i) => (i ? line.slice(65) : line).replace(/"code":"[^"]*"/g, '"code":"0.0.1+foreign"'));
      const sum = (b: string) => createHash("sha256").update(b).digest("hex");
      return [`jobdef-cache 1 ${sum(body)}`, body, ...additions.map((a) => `${sum(a)} ${a}`)].join("\n");
    }
  }
}

/** The cache's records at some earlier point, put back by a "stale-cache" edit (as a slow concurrent writer would). */
let staleRecords = new Map<string, string>();

function suiteText(name: string, chunks: number): string {
  return `description: ${name}\nharness: mochitest\ntreeherder: {symbol: "M(${name.slice(-1)})"}\nchunks: ${chunks}\n`;
}

/**
 * Applies an edit to the tree at `root` (to its output, for the hand edits, and to its cache for the cache edits);
 * edits that do not apply are no-ops.
 */
function apply(root: string, out: string, e: Edit): void {
  const cache = join(root, ".jobdef-cache");
  const records = existsSync(cache)
    ? readdirSync(cache)
        .filter((n) => n.endsWith(".json"))
        .sort()
    : [];
  const configs = listFiles(join(root, "configs")).map((p) => join(root, "configs", p));
  const outputs = listFiles(out).map((p) => join(out, p));
  const suitePath = (i: number) => join(root, "configs/suites", `${SUITES[i]}.yml`);
  const exists = (p: string) => configs.includes(p);
  switch (e.kind) {
    case "chunks":
      if (exists(suitePath(e.suite))) writeFileSync(suitePath(e.suite), suiteText(SUITES[e.suite], e.chunks));
      return;
    case "comment":
      appendFileSync(configs[e.file % configs.length], "# edited\n");
      return;
    case "touch": {
      const p = configs[e.file % configs.length];
      writeFileSync(p, readFileSync(p));
      return;
    }
    case "add-suite":
      writeFileSync(suitePath(e.suite), suiteText(SUITES[e.suite], 1));
      return;
    case "remove-suite":
      if (exists(suitePath(e.suite))) unlinkSync(suitePath(e.suite));
      return;
    case "build-types": {
      const p = join(root, "configs/platforms/linux64.yml");
      const types = e.debug ? "[opt, debug]" : "[opt]";
      writeFileSync(p, readFileSync(p, "utf8").replace(/build-types: \[[^\]]*\]/, `build-types: ${types}`));
      return;
    }
    case "break":
      if (exists(suitePath(e.suite))) writeFileSync(suitePath(e.suite), "description: [half a save\n");
      return;
    case "hand-edit-output": {
      if (!outputs.length) return;
      const p = outputs[e.file % outputs.length];
      const text = readFileSync(p, "utf8");
      // in the middle: a byte of some task's text (an ASCII letter or digit, so still UTF-8)
      const at = text.slice(text.length >> 1).search(/[a-z0-9]/) + (text.length >> 1);
      if (e.middle && at >= text.length >> 1)
        writeFileSync(p, `${text.slice(0, at)}${text[at] === "q" ? "z" : "q"}${text.slice(at + 1)}`);
      else writeFileSync(p, e.sameSize ? `${text.slice(0, -2)}x\n` : `${text}hand edit\n`);
      return;
    }
    case "delete-output":
      if (outputs.length) unlinkSync(outputs[e.file % outputs.length]);
      return;
    case "value": {
      const [file, pattern, replacement] = VALUES[e.layer % VALUES.length];
      const p = join(root, file);
      if (exists(p)) writeFileSync(p, readFileSync(p, "utf8").replace(pattern, replacement(e.variant)));
      return;
    }
    case "cache": {
      if (!records.length) return;
      const p = join(cache, records[e.record % records.length]);
      writeFileSync(p, damaged(readFileSync(p, "utf8"), e.damage));
      return;
    }
    case "stale-cache":
      for (const [name, text] of staleRecords) writeFileSync(join(cache, name), text);
      staleRecords = new Map(records.map((n) => [n, readFileSync(join(cache, n), "utf8")]));
      return;
  }
}

function options(root: string, out: string, cache: boolean, force: boolean): CompileOptions {
  return { root, out, format: "text", branch: [], target: [], set: [], cache, quiet: true, force };
}

/** Compiles; the directory's files and their bytes, or "failed". */
async function compileTo(
  root: string,
  out: string,
  cache: boolean,
  force = false,
): Promise<Map<string, string> | "failed"> {
  const write = process.stderr.write;
  process.stderr.write = () => true; // diagnostics of the broken trees
  try {
    await compileOnce(options(root, out, cache, force), { mayProve: cache });
  } catch (e) {
    if (e instanceof ExitError) return "failed";
    throw e;
  } finally {
    process.stderr.write = write;
  }
  return new Map(listFiles(out).map((p) => [p, readFileSync(join(out, p), "utf8")]));
}

test("incremental compiles equal cold --no-cache compiles, edit after edit", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 7 }), fc.nat(2), async (edits, extra) => {
      const root = writeTree(
        Object.fromEntries(SUITES.slice(1, 1 + extra).map((s) => [`configs/suites/${s}.yml`, suiteText(s, 2)])),
      );
      const out = join(root, "generated");
      staleRecords = new Map();
      try {
        await compileTo(root, out, true);
        for (const e of edits) {
          apply(root, out, e);
          let incremental = await compileTo(root, out, true);
          if (e.kind === "hand-edit-output" && incremental === "failed") {
            // an edited generated file is refused (JD063) and left as it was; --force discards the edit
            incremental = await compileTo(root, out, true, true);
          }
          const coldOut = mkdtempSync(join(tmpdir(), "jobdef-cold-"));
          const cold = await compileTo(root, coldOut, false);
          rmSync(coldOut, { recursive: true, force: true });
          assert.deepEqual(incremental, cold, `after ${JSON.stringify(e)}`);
          const { proof } = await proveUpToDate(root, {
            cacheDir: join(root, ".jobdef-cache"),
            out,
            trustVersionAlone: false,
          });
          // inputs that do not compile were never recorded by a manifest; compiled ones are proven from then on
          assert.equal(proof.proven, cold !== "failed", `after ${JSON.stringify(e)}: ${JSON.stringify(proof)}`);
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }),
    { numRuns: 14, seed: 22 },
  );
});
