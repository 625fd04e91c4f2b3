/**
 * Issue 20, classes 1 and 6: the diagnostic printer quotes only text the tool already read as input, bounded, and
 * never opens a file to quote it (a FIFO, a huge sparse file, a file outside the tree, a refused link's target);
 * every string from the input is escaped in the text, GitHub and JSON formats, so no input forges a diagnostic line,
 * a GitHub `::error` command or a terminal escape. Each run is the real CLI in a child process killed at a
 * deadline: a hang fails the test instead of stalling it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BIN, BASE as TREE } from "./helpers/tree.js";

const DEADLINE_MS = 120_000;
const tmp = mkdtempSync(join(tmpdir(), "jobdef-diag-output-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** C0 and C1 controls, DEL, line separators, bidi overrides: none may reach the terminal raw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let count = 0;
function tree(files: Record<string, string> = {}): string {
  const root = join(tmp, `root-${++count}`);
  for (const [path, text] of Object.entries({ ...TREE, ...files })) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    timeout: DEADLINE_MS,
    killSignal: "SIGKILL",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.notEqual(r.signal, "SIGKILL", `jobdef ${args.join(" ")} was still running after ${DEADLINE_MS / 1000} s`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SUITE = 'description: d\nharness: mochitest\ntreeherder: {symbol: "Q()"}\n';

test("class 1: a FIFO config file is refused without being opened to quote it (no hang)", () => {
  const root = tree();
  spawnSync("mkfifo", [join(root, "configs/suites/fifo.yml")]);
  const r = run(["validate", "--root", root]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /^configs\/suites\/fifo\.yml:1:1: error JD008: configs\/suites\/fifo\.yml is not a regular file$/m,
  );
  assert.doesNotMatch(r.stderr, /\n {5}1 \|/, "a line was quoted from a file never read");
});

test("class 1: a huge sparse config file is refused by its size, and not read to quote it", () => {
  const root = tree();
  const huge = join(root, "configs/suites/huge.yml");
  writeFileSync(huge, "description: huge\n");
  truncateSync(huge, 64 * 1024 ** 3);
  const r = run(["validate", "--root", root]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /JD004: configs\/suites\/huge\.yml is 68719476736 bytes; the limit is 4194304/);
  assert.doesNotMatch(r.stderr, /description: huge/);
});

test("class 1: a refused symbolic link's target is never quoted", () => {
  const root = tree();
  writeFileSync(join(tmp, "secret.yml"), "SECRET-FIRST-LINE: 1\n");
  symlinkSync(join(tmp, "secret.yml"), join(root, "configs/suites/stolen.yml"));
  const r = run(["validate", "--root", root]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /JD008: configs\/suites\/stolen\.yml is a symbolic link leaving the root/);
  assert.doesNotMatch(r.stderr, /SECRET-FIRST-LINE/);
});

test("class 1: a --set argument shaped like a path quotes itself, never the file it names", () => {
  const root = tree();
  writeFileSync(join(tmp, "outside.txt"), "OUTSIDE-FIRST-LINE\n");
  // the diagnostic's "file" is the argument itself; joined to the root it would lead to tmp/outside.txt
  const arg = `nosuchfield=x/../../${"outside.txt"}`;
  const r = run(["compile", "--root", root, "--out", join(tmp, "out-set"), "--set", arg]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /JD011/);
  assert.doesNotMatch(r.stderr, /OUTSIDE-FIRST-LINE/);
  assert.match(r.stderr, /\| value: x\/\.\.\/\.\.\/outside\.txt$/m);
});

test("class 1: a long line is quoted around its column, at most 200 characters, with the caret under it", () => {
  const pad = "x".repeat(300_000);
  const root = tree({ "configs/suites/long.yml": `${SUITE}env: {A: "${pad}", B: ${pad}, "BAD KEY": [1]}\n` });
  const r = run(["validate", "--root", root]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.split("\n");
  const i = lines.findIndex((l) => /^configs\/suites\/long\.yml:4:\d+: error JD010/.test(l));
  assert.ok(i >= 0, r.stderr);
  const quoted = lines[i + 1]!;
  const caret = lines[i + 2]!;
  assert.ok(quoted.length < 220, `quoted line of ${quoted.length} characters`);
  assert.match(quoted, /^ {5}4 \| …x+, "BAD KEY": \[1\]}$/);
  assert.equal(quoted[caret.indexOf("^")], "[");
});

const FORGED = "a\u001b[31mRED\u0000\nconfigs/x.yml:1:1: error JD001: forged\r::error file=f::forged\u2028\u202e";

test("class 6: control characters in keys are escaped in text, GitHub and JSON formats", () => {
  const root = tree({
    "configs/suites/esc.yml": `${SUITE}env: ${JSON.stringify({ [FORGED]: "v" })}\nchunks: {by-platform: ${JSON.stringify({ [FORGED]: 2, default: 1 })}}\n${JSON.stringify(FORGED)}: 1\n`,
  });
  const text = run(["validate", "--root", root]);
  assert.equal(text.code, 1, text.stderr);
  assert.doesNotMatch(text.stderr, UNSAFE);
  assert.doesNotMatch(text.stderr, /^configs\/x\.yml/m, "a forged diagnostic line");
  assert.match(text.stderr, /unknown key "a\\x1b\[31mRED\\x00\\nconfigs\/x\.yml:1:1: error JD001: forged\\r::error/);
  const github = run(["validate", "--root", root, "--format", "github"]);
  assert.equal(github.code, 1);
  assert.doesNotMatch(github.stderr, UNSAFE);
  const lines = github.stderr.trimEnd().split("\n");
  for (const l of lines)
    assert.match(l, /^::(error|warning) file=configs\/suites\/esc\.yml,line=\d+,col=\d+,title=JD\d{3}::/);
  const json = run(["validate", "--root", root, "--format", "json"]);
  assert.equal(json.code, 1);
  const list = JSON.parse(json.stderr) as { message: string }[];
  assert.equal(list.length, lines.length);
  for (const d of list) assert.doesNotMatch(d.message, UNSAFE);
  assert.ok(list.some((d) => d.message.includes("\\x1b[31mRED\\x00\\n")));
});

test("class 6: a --set value and a try message with escapes and newlines are printed escaped", () => {
  const root = tree();
  const set = run([
    "compile",
    "--root",
    root,
    "--out",
    join(tmp, "out-esc"),
    "--set",
    `chunks=${FORGED.replace("\u0000", "")}`, // argv holds no NUL
  ]);
  assert.equal(set.code, 1, set.stderr);
  assert.doesNotMatch(set.stderr, UNSAFE);
  assert.match(set.stderr, /JD010: chunks: expected integer, got the string "a\\u001b\[31mRED/);
  const message = "try: -b o -p linux64\u001b[2J -u all\n::error file=x::forged -t none";
  for (const format of ["text", "github", "json"]) {
    const t = run(["try", message, "--root", root, "--format", format]);
    assert.equal(t.code, 1, t.stderr);
    assert.doesNotMatch(t.stderr, UNSAFE);
    assert.doesNotMatch(t.stderr, /^::error file=x/m);
  }
});

test("class 6: a range error quotes the number as it is written", () => {
  const root = tree({ "configs/suites/big.yml": `${SUITE}max-run-time: 0x1000000\nretry: {retries: 1e3}\n` });
  const r = run(["validate", "--root", root, "--format", "json"]);
  assert.equal(r.code, 1);
  const messages = (JSON.parse(r.stderr) as { message: string }[]).map((d) => d.message);
  assert.ok(messages.includes("max-run-time: 0x1000000 must be <= 86400"), messages.join("\n"));
  assert.ok(messages.includes("retry.retries: 1e3 must be <= 49"), messages.join("\n"));
});

test("class 6: a usage error naming an argument with escapes prints it escaped", () => {
  const r = run(["compile", "--target", "mach\u001b[2J\n::error::x"]);
  assert.equal(r.code, 2);
  assert.doesNotMatch(r.stderr, UNSAFE);
  assert.match(r.stderr, /--target mach\\x1b\[2J\\n::error::x: not a target/);
});
