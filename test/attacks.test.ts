/**
 * Attacks that must fail safely or pass through as plain data: alias bombs before a deadline, prototype-named keys
 * that never reach a prototype, path-like names that never steer a write, limits that stop deep or huge input, and
 * strings built to break out of a Python twin or a shell command, checked by running python3 on the twins.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, normalize } from "node:path";
import { after, test } from "node:test";
import { compile } from "../src/compile.js";
import { LIMITS } from "../src/limits.js";
import { loadTree } from "../src/load.js";
import { BASE, CORPUS } from "./corpus/make-tree.js";
import { jobdefWithDeadline } from "./helpers/deadline.js";
import { PythonChecker } from "./python/python-checker.js";

const python = new PythonChecker();
after(() => python.close());

const PWNED = "/tmp/jobdef-pwned";

/** The corpus base tree plus `files` (path under configs/ → text), in a fresh temporary root. */
function tree(files: Record<string, string> = {}): { root: string; done: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), "jobdef-attacks-"));
  const root = join(tmp, "root");
  cpSync(join(BASE, "configs"), join(root, "configs"), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, "configs", path)), { recursive: true });
    writeFileSync(join(root, "configs", path), text);
  }
  return { root, done: () => rmSync(tmp, { recursive: true, force: true }) };
}

const SUITE = "description: x\nharness: mochitest\ntreeherder: {symbol: X}\n";

test("an alias bomb is refused (JD005), before a deadline", () => {
  const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let i = 1; i < 12; i++) {
    const [prev, name] = [`l${i - 1}`.replace("l0", "a"), `l${i}`];
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  const t = tree({ "suites/lol.yml": `${SUITE}${levels.join("\n")}\n` });
  try {
    const r = jobdefWithDeadline(["validate", "--root", t.root]);
    assert.equal(r.status, 1);
    assert.ok(r.diagnostics.some((d) => d.code === "JD005" && d.file === "configs/suites/lol.yml"));
  } finally {
    t.done();
  }
});

test("nesting 10,000 levels deep, in flow and in block style, is a diagnostic (JD006), before a deadline", () => {
  const depth = 10_000;
  const flow = `${SUITE}env: ${"[".repeat(depth)}${"]".repeat(depth)}\n`;
  // Indented block mappings that deep would pass the size limit first; compact block sequences nest on one line.
  const block = `${SUITE}mach:\n  kwargs:\n    k:\n      ${"- ".repeat(depth)}x\n`;
  for (const text of [flow, block]) {
    const t = tree({ "suites/deep.yml": text });
    try {
      const r = jobdefWithDeadline(["validate", "--root", t.root]);
      assert.equal(r.status, 1);
      assert.ok(r.diagnostics.some((d) => d.code === "JD006" && d.file === "configs/suites/deep.yml"));
    } finally {
      t.done();
    }
  }
});

test("a file over the size limit is refused before it is read (JD004)", () => {
  const t = tree({ "suites/big.yml": `${SUITE}# ${"x".repeat(LIMITS.fileBytes)}\n` });
  try {
    const r = loadTree(t.root);
    assert.ok(!r.ok && r.diagnostics.some((d) => d.code === "JD004" && d.message.includes(String(LIMITS.fileBytes))));
  } finally {
    t.done();
  }
});

test("keys named __proto__, constructor and prototype compile as data and touch no prototype", () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  const keys =
    "__proto__: {polluted: yes}\n    constructor: {prototype: {polluted: yes}}\n    prototype: {polluted: yes}";
  const t = tree({
    "suites/proto.yml": readFileSync(join(CORPUS, "accepted/prototype-keys/configs/suites/proto.yml"), "utf8"),
    "harnesses/mochitest.yml": readFileSync(
      join(CORPUS, "accepted/prototype-keys/configs/harnesses/mochitest.yml"),
      "utf8",
    ),
    "platforms/linux64.yml": `${readFileSync(join(BASE, "configs/platforms/linux64.yml"), "utf8")}mozharness:\n  settings:\n    ${keys}\n    exes: {__proto__: {polluted: yes}}\n`,
    "branches/central.yml": `${readFileSync(join(BASE, "configs/branches/central.yml"), "utf8")}job:\n  env: {__proto__: polluted, constructor: polluted}\n  mach:\n    kwargs:\n      ${keys.replace(/\n {4}/g, "\n      ")}\n`,
  });
  try {
    const r = compile({ root: t.root });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.create(null).polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
    assert.equal(Object.prototype.constructor, Object);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    // The keys are data: a job of the suite carries `__proto__` as an own key of its env.
    const job = r.value.branches[0].jobs.find((j) => j.suite === "proto")!;
    assert.ok(Object.hasOwn(job.spec.env!, "__proto__"));
    assert.equal(Object.getPrototypeOf(job.spec.env), Object.prototype);
    // …and reaches the output as a key, not as a prototype.
    const mozharness = r.value.files.find((f) => f.path === "mozharness/central/linux64.json")!;
    const settings = JSON.parse(mozharness.content);
    for (const k of ["__proto__", "constructor", "prototype"])
      assert.deepEqual(settings[k], k === "constructor" ? { prototype: { polluted: "yes" } } : { polluted: "yes" });
    assert.ok(Object.hasOwn(settings.exes, "__proto__"));
    const mach = JSON.parse(r.value.files.find((f) => f.path === "mach/central/linux64.json")!.content);
    assert.ok(Object.hasOwn(mach.proto.kwargs, "__proto__") && Object.hasOwn(mach.proto.kwargs, "constructor"));
    const graph = JSON.parse(r.value.files.find((f) => f.path === "taskcluster/central.json")!.content);
    assert.equal(graph["test-linux64/opt-proto"].task.payload.env.constructor, "polluted");
  } finally {
    t.done();
  }
});

test("path-like values never steer where compile writes", () => {
  const t = tree({
    "suites/paths.yml": `description: x\nharness: mochitest\ntreeherder: {symbol: PA}\nmozharness:\n  suite-name: ../../../../etc/passwd\n  script: /etc/passwd\n  env: {HOME: /}\n`,
  });
  try {
    const r = compile({ root: t.root });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
    for (const f of r.value.files) {
      assert.ok(!isAbsolute(f.path) && normalize(f.path) === f.path && !f.path.split("/").includes(".."), f.path);
    }
    const cli = spawnSync(join(import.meta.dirname, "..", "bin", "jobdef"), ["compile", "--root", t.root, "-q"], {
      encoding: "utf8",
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.ok(existsSync(join(t.root, "generated", "manifest.json")));
    assert.equal(existsSync(join(t.root, "etc")), false);
  } finally {
    t.done();
  }
});

test("strings made to break out of Python or a shell stay exact strings, and no code runs", async () => {
  rmSync(PWNED, { force: true });
  const suite = readFileSync(join(CORPUS, "accepted/escape-strings/configs/suites/escapes.yml"), "utf8");
  const t = tree({ "suites/escapes.yml": suite });
  try {
    const r = compile({ root: t.root });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
    const job = r.value.branches[0].jobs.find((j) => j.suite === "escapes")!;
    const evil = [
      ...job.spec.mozharness!.options!,
      ...job.spec.mozharness!["extra-args"]!,
      job.spec.mozharness!.env!.EVIL!,
    ];
    assert.ok(
      evil.some((s) => s.includes("\0")) && evil.some((s) => s.includes('"""')) && evil.some((s) => s.includes("\\\n")),
    );

    // python3 executes every twin (test/python/harness_check.py): each is literal-only and equals its JSON sibling,
    // types included, so the strings of the JSON twins are exactly the strings Python reads.
    const twins = await python.checkTwins(r.value.files);
    assert.ok(twins.checked > 0, "no Python twins were emitted");
    assert.deepEqual(twins.failures, []);
    const strings = new Set<string>();
    const walk = (v: unknown): void => {
      if (typeof v === "string") strings.add(v);
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) {
          walk(k);
          walk(x);
        }
    };
    for (const f of r.value.files) if (f.path.endsWith(".json")) walk(JSON.parse(f.content));
    for (const s of job.spec.mozharness!.options!) assert.ok(strings.has(s), `twins lost ${JSON.stringify(s)}`);
    assert.equal(existsSync(PWNED), false, "a string ran as code");

    // docker-worker runs an argv without a shell: every extra argument is one exact element of the command.
    const graph = JSON.parse(r.value.files.find((f) => f.path === "taskcluster/central.json")!.content);
    const task = graph["test-linux64/opt-escapes"].task;
    const command = task.payload.command as unknown[];
    for (const s of job.spec.mozharness!["extra-args"]!)
      assert.ok(command.includes(s), `argv lost ${JSON.stringify(s)}`);
    assert.ok(!["sh", "bash", "/bin/sh", "/bin/bash"].includes(String(command[0])));
  } finally {
    t.done();
    rmSync(PWNED, { force: true });
  }
});
