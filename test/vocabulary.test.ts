/**
 * The vocabulary is declared once (src/vocabulary.ts): an attribute and a target added from here, with nothing else
 * edited, are known to the schemas, the layer checks, the semantic rules, expansion and compile.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, test } from "node:test";
import { checkAllJobs, compile, loadValidTree } from "../src/compile.js";
import { type Code, error } from "../src/diagnostics.js";
import { textFile } from "../src/emit/output-file.js";
import { type AttributeDecl, DEFAULT_VOCABULARY, type TargetDecl } from "../src/vocabulary.js";
import { writeTree } from "./helpers/tree.js";

/** `by-arch`: the platform's CPU, read from its name. */
const ARCH: AttributeDecl = {
  name: "arch",
  description: "the platform's CPU family",
  valueOf: (place) => (place.platform.name.endsWith("64") ? "x86_64" : "x86"),
  valuesIn: () => ["x86", "x86_64"],
};

/** A target writing one line per job: its label and max run time; it refuses a run time over two hours. */
const RUNTIMES: TargetDecl = {
  description: "per branch, each job's max run time",
  emit: ({ branch, report }) => {
    checkRuntimes({ branch, report });
    const lines = branch.jobs.map((j) => `${j.label} ${j.spec["max-run-time"]}\n`);
    return [textFile(`runtimes/${branch.branch.name}.txt`, lines.join(""))];
  },
  check: (input) => checkRuntimes(input),
};

/** A code of its own: a target outside jobdef numbers its diagnostics itself. */
function checkRuntimes({ branch, report }: Pick<Parameters<TargetDecl["check"]>[0], "branch" | "report">): void {
  for (const job of branch.jobs)
    if (job.spec["max-run-time"] > 7200)
      report(error("JD099" as Code, `${job.label}: over two hours`, { file: "(runtimes)", line: 1, column: 1 }));
}

const vocabulary = DEFAULT_VOCABULARY.with({ attributes: [ARCH], targets: { runtimes: RUNTIMES } });

const SUITE = `description: Mochitest plain
harness: mochitest
treeherder: {symbol: "M()"}
max-run-time:
  by-arch:
    x86: 1800
    default: 2400
`;
const root = writeTree({
  "configs/suites/plain.yml": SUITE,
  "configs/defaults.yml": `tree:
  checked-in: {branches: [central], targets: [mach, runtimes]}
job:
  retry: {retries: 5}
  mozharness: {script: scripts/desktop_unittest.py}
`,
});
after(() => rmSync(root, { recursive: true, force: true }));

test("vocabulary: an attribute and a target declared in a test compile, from the checked-in targets", () => {
  const r = compile({ root, vocabulary });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  const runtimes = r.value.files.find((f) => f.path === "runtimes/central.txt");
  assert.equal(
    runtimes?.content,
    ["test-linux64/opt-plain 2400", "test-linux64/debug-plain 2400", "test-win32/opt-plain 1800", ""].join("\n"),
  );
  assert.deepEqual(r.value.targets, ["mach", "runtimes"]);
});

test("vocabulary: the default vocabulary knows neither (its schemas and layer checks refuse them)", () => {
  const r = loadValidTree(root);
  assert.equal(r.ok, false);
  const codes = !r.ok ? r.diagnostics.map((d) => `${d.code} ${d.message}`) : [];
  assert.ok(
    codes.some((c) => c.startsWith("JD023") && c.includes('"by-arch"')),
    codes.join("\n"),
  );
  assert.ok(
    codes.some((c) => c.includes("runtimes")),
    codes.join("\n"),
  );
});

test("vocabulary: the new attribute's arms are checked as the built-in ones' (a typo is warned about)", () => {
  const typo = writeTree({ "configs/suites/plain.yml": SUITE.replace("x86:", "x68:") });
  try {
    const r = loadValidTree(typo, { vocabulary });
    assert.ok(r.ok);
    assert.deepEqual(
      r.warnings.map((d) => d.code),
      ["JD022"],
    );
    assert.match(r.warnings[0].message, /"x68" matches no arch/);
  } finally {
    rmSync(typo, { recursive: true, force: true });
  }
});

test("vocabulary: validate runs the new target's checks; the schemas derive from the vocabulary", () => {
  const slow = writeTree({ "configs/suites/plain.yml": SUITE.replace("default: 2400", "default: 9000") });
  try {
    const tree = loadValidTree(slow, { vocabulary });
    assert.ok(tree.ok);
    const r = checkAllJobs(tree.value);
    assert.equal(r.ok, false);
    assert.deepEqual([...new Set(!r.ok ? r.diagnostics.map((d) => d.code) : [])], ["JD099"]);
  } finally {
    rmSync(slow, { recursive: true, force: true });
  }
  const schemas = vocabulary.schemas;
  const targets = at(
    schemas.schemaOf("defaults"),
    "properties.tree.properties.checked-in.properties.targets.items.enum",
  );
  assert.deepEqual(targets, ["mozharness", "mach", "buildbot", "taskcluster", "runtimes"]);
  assert.match(String(at(schemas.schemaOf("job-layer"), "$defs.chunks.anyOf.1.propertyNames.pattern")), /\|arch\)\$$/);
  assert.notEqual(schemas.hash, DEFAULT_VOCABULARY.schemas.hash);
});

test("vocabulary: a scheduling target is a value of the job field scheduler", () => {
  const withQueue = DEFAULT_VOCABULARY.with({ targets: { queue: { ...RUNTIMES, schedules: true } } });
  const enumOf = (v: typeof vocabulary) => at(v.schemas.schemaOf("job"), "properties.scheduler.enum");
  assert.deepEqual(enumOf(DEFAULT_VOCABULARY), ["buildbot", "taskcluster", "both"]);
  assert.deepEqual(enumOf(withQueue), ["buildbot", "taskcluster", "queue", "both"]);
});

/** The value at a dotted path. */
function at(value: unknown, path: string): unknown {
  return path.split(".").reduce((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);
}
