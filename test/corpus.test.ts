/**
 * The bad-input corpus (test/corpus/README.md): every case is compiled by the real CLI into a tree whose
 * generated/ already holds a good compile. A bad case must exit 1 with the expected diagnostic (code, file, line,
 * column, message), every diagnostic must carry a known code, no stack trace may appear, and not one byte under
 * the case's temporary directory may change. An accepted case must compile (exit 0).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CODES } from "../src/diagnostics.js";
import { BASE, type Case, hashTree, listCases, makeTree } from "./corpus/make-tree.js";

const BIN = join(import.meta.dirname, "..", "bin", "jobdef");
const STACK = /^\s+at .+[(:]\d+/m;
const cases = listCases();
const bad = cases.filter((c) => c.category !== "accepted");
const accepted = cases.filter((c) => c.category === "accepted");
let priorOutput = "";

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A run still going after this is killed and fails its case: a hang is a failure, not a stalled suite. */
const DEADLINE_MS = 120_000;

function run(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env: { ...process.env, LC_ALL: "C" } });
    const deadline = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`jobdef ${args.join(" ")} still running after ${DEADLINE_MS / 1000} s: killed`));
    }, DEADLINE_MS);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

function diagnosticsOf(
  c: Case,
  r: Run,
): { code: string; file: string | null; line: number | null; column: number | null; message: string }[] {
  try {
    return JSON.parse(r.stderr);
  } catch {
    assert.fail(`${c.name}: stderr is not the JSON diagnostics list:\n${r.stderr}`);
  }
}

function assertNoStack(r: Run): void {
  assert.doesNotMatch(r.stderr, STACK, "a stack trace on stderr");
  assert.doesNotMatch(r.stdout, STACK, "a stack trace on stdout");
  assert.doesNotMatch(r.stderr, /internal error/);
}

before(async () => {
  // A prior good compile of the base tree: what every bad case must leave exactly as it is.
  priorOutput = mkdtempSync(join(tmpdir(), "jobdef-corpus-prior-"));
  const r = await run(["compile", "--root", BASE, "--out", join(priorOutput, "generated"), "--format", "json", "-q"]);
  assert.equal(r.code, 0, `the base tree must compile:\n${r.stderr}`);
  assert.ok(existsSync(join(priorOutput, "generated", "manifest.json")));
});

after(() => {
  rmSync(priorOutput, { recursive: true, force: true });
  process.stdout.write(`corpus: ${bad.length} bad inputs, ${accepted.length} accepted inputs\n`);
});

test("the corpus is large enough and covers every category", () => {
  assert.ok(bad.length >= 60, `${bad.length} bad inputs`);
  for (const category of ["yaml", "schema", "semantics", "attacks"])
    assert.ok(
      bad.some((c) => c.category === category),
      `no ${category} case`,
    );
  for (const c of bad) assert.ok(c.expected.code && c.expected.code in CODES, `${c.category}/${c.name}: expected.code`);
});

describe("bad inputs: exit 1, the expected diagnostic, no stack trace, no byte written", { concurrency: 2 }, () => {
  for (const c of bad) {
    test(`${c.category}/${c.name}: ${c.expected.about}`, async () => {
      const { tmp, root } = makeTree(c);
      try {
        cpSync(join(priorOutput, "generated"), join(root, "generated"), { recursive: true });
        const before = hashTree(tmp);
        const r = await run(["compile", "--root", root, "--format", "json"]);
        assert.equal(hashTree(tmp), before, "the tree or its generated/ changed");
        assert.equal(existsSync("/tmp/jobdef-absolute-out"), false);
        assertNoStack(r);
        assert.equal(r.code, 1, r.stderr);
        const list = diagnosticsOf(c, r);
        assert.ok(list.length > 0, "no diagnostics");
        for (const d of list) assert.ok(d.code in CODES, `unknown code ${d.code}`);
        const e = c.expected;
        const found = list.find(
          (d) =>
            d.code === e.code &&
            d.file === e.file &&
            (e.line === null || d.line === e.line) &&
            (e.column === null || d.column === e.column) &&
            [e.message ?? ""].flat().every((m) => d.message.includes(m)),
        );
        assert.ok(
          found,
          `expected ${e.code} at ${e.file}:${e.line}:${e.column} "${e.message}", got:\n${JSON.stringify(list, null, 2)}`,
        );
        if (c.expected.setup || c.name.includes("alias")) {
          // The loader's hardest inputs through `validate` too (all cases through it would double the run time).
          const v = await run(["validate", "--root", root, "--format", "json"]);
          assertNoStack(v);
          assert.equal(v.code, 1, v.stderr);
          assert.ok(diagnosticsOf(c, v).some((d) => d.code === e.code));
          assert.equal(hashTree(tmp), before);
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});

describe("accepted inputs (a BOM, CRLF line ends, odd but valid strings and keys) compile", { concurrency: 2 }, () => {
  for (const c of accepted) {
    test(`${c.category}/${c.name}: ${c.expected.about}`, async () => {
      const { tmp, root } = makeTree(c);
      try {
        const r = await run(["compile", "--root", root, "--format", "json", "-q"]);
        assertNoStack(r);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(existsSync(join(root, "generated", "manifest.json")));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
