/** `jobdef diff` on a fixture git repository: a chunk count changed, a suite added, a platform removed. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { DiffReport } from "../src/diff/index.js";
import { BASE, runCli, writeTree } from "./helpers/tree.js";

let root = "";
const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", ...args], {
    cwd: root,
    encoding: "utf8",
  });

before(() => {
  root = writeTree();
  git("init", "-q");
  git("add", "configs");
  git("commit", "-q", "-m", "base");
  const plain = join(root, "configs/suites/plain.yml");
  writeFileSync(plain, readFileSync(plain, "utf8").replace("chunks: 2", "chunks: 3"));
  writeFileSync(
    join(root, "configs/suites/chrome.yml"),
    'description: Mochitest chrome\nharness: mochitest\ntreeherder: {symbol: "M(c)"}\n',
  );
  unlinkSync(join(root, "configs/platforms/win32.yml"));
  git("add", "-A", "configs");
  git("commit", "-q", "-m", "head");
});

after(() => rmSync(root, { recursive: true, force: true }));

function diffJson(...args: string[]): DiffReport {
  const r = runCli(["diff", "--root", root, ...args, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as DiffReport;
}

test("jobs added, removed and changed between two revisions, with the new side's provenance", () => {
  const report = diffJson("HEAD~1", "HEAD");
  assert.equal(report.differs, true);
  const central = report.branches.find((b) => b.branch === "central")!;
  assert.equal(central.status, "changed");
  assert.ok(central.jobs.added.includes("test-linux64/opt-plain-3"), "chunk 3 of the re-chunked suite");
  assert.ok(central.jobs.added.includes("test-linux64/debug-chrome"), "the added suite");
  assert.ok(central.jobs.removed.includes("test-win32/opt-plain-1"), "the removed platform's jobs");
  assert.ok(central.jobs.removed.every((l) => l.startsWith("test-win32/")));
  const chunked = central.jobs.changed.find((c) => c.name === "test-linux64/opt-plain-1")!;
  const chunks = chunked.changes.find((c) => c.path === "chunks")!;
  assert.deepEqual([chunks.kind, chunks.old, chunks.new], ["changed", 2, 3]);
  assert.match(chunks.at ?? "", /configs\/suites\/plain\.yml:4$/);
  // Per target: the TaskCluster graph's entries are the job labels.
  const tc = central.targets.find((t) => t.target === "taskcluster")!;
  const graph = tc.files.find((f) => f.path === "taskcluster/central.json")!;
  assert.ok(graph.added.includes("test-linux64/debug-chrome"));
  assert.ok(graph.removed.includes("test-win32/opt-plain-1"));
  assert.ok(graph.changed.some((c) => c.name === "test-linux64/opt-plain-1"));
});

test("the text report names the changes; reversing the sides swaps added and removed", () => {
  const r = runCli(["diff", "--root", root, "HEAD~1", "HEAD"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^branch central$/m);
  assert.match(r.stdout, /^ {4}\+ test-linux64\/debug-chrome$/m);
  assert.match(r.stdout, /^ {4}- test-win32\/opt-plain-1$/m);
  assert.match(r.stdout, /^ {8}chunks: 2 → 3 {2}\(configs\/suites\/plain\.yml:4\)$/m);
  const back = diffJson("HEAD", "HEAD~1").branches.find((b) => b.branch === "central")!;
  assert.ok(back.jobs.removed.includes("test-linux64/debug-chrome"));
  assert.ok(back.jobs.added.includes("test-win32/opt-plain-1"));
});

test("HEAD defaults to the working tree, which is read as is; the working tree and index are untouched", () => {
  const suite = join(root, "configs/suites/chrome.yml");
  const text = readFileSync(suite, "utf8");
  writeFileSync(suite, `${text}max-run-time: 7200\n`);
  const status = git("status", "--porcelain");
  const index = readFileSync(join(root, ".git", "index"));
  const report = diffJson("HEAD");
  const changed = report.branches[0].jobs.changed.find((c) => c.name === "test-linux64/debug-chrome")!;
  assert.deepEqual(
    changed.changes.map((c) => [c.path, c.old, c.new]),
    [["max-run-time", 3600, 7200]],
  );
  assert.equal(git("status", "--porcelain"), status);
  assert.deepEqual(readFileSync(join(root, ".git", "index")), index);
  writeFileSync(suite, text);
  assert.equal(diffJson("HEAD").differs, false);
});

test("directories as sides; no differences exit 0 too", () => {
  const other = writeTree();
  const r = runCli(["diff", "--root", root, other, root]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^branch central$/m);
  const same = runCli(["diff", other, other]);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /^no differences between /);
  rmSync(other, { recursive: true, force: true });
});

test("a bad revision is a clear diagnostic, exit 1, no stack trace", () => {
  for (const rev of ["no-such-rev", "--upload-pack=x"]) {
    const r = runCli(["diff", "--root", root, "--", rev, "HEAD"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error JD062: .*is neither a directory nor a revision/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test("a side with errors: diagnostics name that side's files, so the source line shown is its own", () => {
  const other = writeTree({
    "configs/suites/plain.yml": "description: x\nharness: mochitest\ntreeherder: {symbol: X}\nchunk: 2\n",
  });
  const dir = runCli(["diff", other, "--root", root, "--format", "json"]);
  assert.equal(dir.code, 1, dir.stderr);
  const [d] = JSON.parse(dir.stderr);
  assert.equal(join(root, d.file), join(other, "configs/suites/plain.yml"));
  assert.deepEqual([d.code, d.line, d.column], ["JD011", 4, 1]);
  const text = runCli(["diff", other, "--root", root]);
  assert.match(text.stderr, /^ {5}4 \| chunk: 2$/m);
  rmSync(other, { recursive: true, force: true });

  const plain = join(root, "configs/suites/plain.yml");
  const good = readFileSync(plain, "utf8");
  writeFileSync(plain, `${good}chunk: 2\n`);
  git("commit", "-q", "-am", "broken");
  try {
    const rev = runCli(["diff", "HEAD", "HEAD~1", "--root", root, "--format", "json"]);
    assert.equal(rev.code, 1, rev.stderr);
    assert.equal(JSON.parse(rev.stderr)[0].file, "HEAD:configs/suites/plain.yml");
  } finally {
    git("reset", "-q", "--hard", "HEAD~1");
  }
});

/** Two directory sides from BASE: `files` changed on the head side. */
function dirDiff(files: Record<string, string>, ...args: string[]) {
  const a = writeTree();
  const b = writeTree(files);
  try {
    const text = runCli(["diff", a, b, ...args]);
    assert.equal(text.code, 0, text.stderr);
    const json = runCli(["diff", a, b, "--json", ...args]);
    return { text: text.stdout, report: JSON.parse(json.stdout) as DiffReport };
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
}

const PLAIN = BASE["configs/suites/plain.yml"];

test("a long value is shown around its difference, with context, never cut before it", () => {
  const long = `Mochitest plain, ${"a long description ".repeat(8)}END-OF-OLD`;
  const a = writeTree({ "configs/suites/plain.yml": PLAIN.replace("Mochitest plain", long) });
  const b = writeTree({
    "configs/suites/plain.yml": PLAIN.replace("Mochitest plain", long.replace("END-OF-OLD", "END-OF-NEW")),
  });
  const r = runCli(["diff", a, b]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^ {8}description: \(configs\/suites\/plain\.yml:1\)\n {10}- "…g description a long description END-OF-OLD"\n {10}\+ "…g description a long description END-OF-NEW"$/m,
  );
  rmSync(a, { recursive: true, force: true });
  rmSync(b, { recursive: true, force: true });
  // a long list: its changed items as lines with their neighbours
  const opts = (last: string) =>
    `${PLAIN}mozharness: {options: [--option-number-one=1, --option-number-two=2, --option-number-three=3, --option-number-four=4, ${last}]}\n`;
  const c = writeTree({ "configs/suites/plain.yml": opts("--old-last") });
  const d = writeTree({ "configs/suites/plain.yml": opts("--new-last") });
  const l = runCli(["diff", c, d]);
  assert.equal(l.code, 0, l.stderr);
  assert.match(
    l.stdout,
    /^ {8}mozharness\.options: \(configs\/suites\/plain\.yml:5\)\n {13}"--option-number-three=3",\n {13}"--option-number-four=4",\n {10}- {2}"--old-last"\n {10}\+ {2}"--new-last"\n {11}\]$/m,
  );
  rmSync(c, { recursive: true, force: true });
  rmSync(d, { recursive: true, force: true });
});

test("selector-only changes are left out unless --selectors; a Python twin is listed with its JSON file", () => {
  const same = { "configs/suites/plain.yml": `${PLAIN}run-on: {platform-tags: [desktop]}\n` };
  const quiet = dirDiff(same);
  assert.equal(quiet.report.differs, false);
  assert.equal(quiet.report.selectorOnly, 6);
  assert.match(
    quiet.text,
    /^no differences between .*\n\(6 jobs whose only changes are to selectors \(run-on\) not shown; --selectors shows them\)\n$/,
  );
  const shown = dirDiff(same, "--selectors");
  assert.equal(shown.report.differs, true);
  assert.match(shown.text, /^ {8}run-on: added \{"platform-tags":\["desktop"\]\}$/m);
  // a run-on change that does change jobs still shows them
  const fewer = dirDiff({ "configs/suites/plain.yml": `${PLAIN}run-on: {platforms: [linux64]}\n` });
  assert.deepEqual(fewer.report.branches[0].jobs.removed, ["test-win32/opt-plain-1", "test-win32/opt-plain-2"]);
  // files: the changed ones only, the .py twin on its JSON file's line
  const options = dirDiff({ "configs/suites/plain.yml": `${PLAIN}mozharness: {options: [--x]}\n` });
  const files = options.report.branches[0].targets.flatMap((t) => t.files.map((f) => [f.path, f.twin ?? null]));
  assert.deepEqual(files, [
    ["mozharness/central/linux64.json", "mozharness/central/linux64.py"],
    ["mozharness/central/win32.json", "mozharness/central/win32.py"],
  ]);
  assert.match(
    options.text,
    /^ {4}~ mozharness\/central\/linux64\.json \(and its twin linux64\.py\): 0 added, 0 removed, 1 changed$/m,
  );
  assert.doesNotMatch(options.text, /^ {4}~ \S+\.py/m);
});
