/** Table tests of the layer engine: precedence, operators, keyed-by and run-on selection, with error positions. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fieldOf, provenanceList } from "../src/explain-job.js";
import { jobsOf, valueAt } from "./helpers/jobs.js";
import { writeTree } from "./helpers/tree.js";

type Want =
  | { label: string; path: string; value: unknown; layer?: string; line?: number }
  | { error: { code: string; file: string; line: number; column: number; fragment?: string } };

const LINUX_DEBUG = "test-linux64/debug-plain-1";
const suite = (extra: string) =>
  `description: Mochitest plain\nharness: mochitest\ntreeherder: {symbol: "M()"}\nchunks: 2\n${extra}`;
const platformJob = (extra: string) =>
  `description: Linux x64\nos: linux\nbuild-types: [opt, debug]\ntags: [desktop]\ntreeherder: {machine: linux64}\nworker: {implementation: docker-worker, provisioner: aws-provisioner-v1, worker-type: desktop-test, image: "x:1"}\njob:\n${extra}`;

const CASES: [string, { files?: Record<string, string | null>; sets?: string[]; branch?: string; want: Want[] }][] = [
  // precedence: each layer overrides the one below it
  ["defaults layer", { want: [{ label: LINUX_DEBUG, path: "max-run-time", value: 3600, layer: "defaults", line: 6 }] }],
  [
    "harness overrides defaults",
    {
      files: {
        "configs/harnesses/mochitest.yml": "description: M\nrun-file: runtests.py\njob:\n  max-run-time: 1000\n",
      },
      want: [{ label: LINUX_DEBUG, path: "max-run-time", value: 1000, layer: "harness", line: 4 }],
    },
  ],
  [
    "platform overrides harness",
    {
      files: {
        "configs/harnesses/mochitest.yml": "description: M\nrun-file: runtests.py\njob:\n  max-run-time: 1000\n",
        "configs/platforms/linux64.yml": platformJob("  max-run-time: 2000\n"),
      },
      want: [{ label: LINUX_DEBUG, path: "max-run-time", value: 2000, layer: "platform", line: 8 }],
    },
  ],
  [
    "suite overrides platform",
    {
      files: {
        "configs/platforms/linux64.yml": platformJob("  max-run-time: 2000\n"),
        "configs/suites/plain.yml": suite("max-run-time: 3000\n"),
      },
      want: [{ label: LINUX_DEBUG, path: "max-run-time", value: 3000, layer: "suite", line: 5 }],
    },
  ],
  [
    "branch overrides suite",
    {
      files: {
        "configs/suites/plain.yml": suite("max-run-time: 3000\n"),
        "configs/branches/central.yml":
          "description: t\nrepository: https://h/c\nplatforms: ['.*']\njob:\n  max-run-time: 4000\n",
      },
      want: [{ label: LINUX_DEBUG, path: "max-run-time", value: 4000, layer: "branch", line: 5 }],
    },
  ],
  [
    "--set overrides branch",
    {
      files: {
        "configs/branches/central.yml":
          "description: t\nrepository: https://h/c\nplatforms: ['.*']\njob:\n  max-run-time: 4000\n",
      },
      sets: ["max-run-time=5000"],
      want: [{ label: LINUX_DEBUG, path: "max-run-time", value: 5000, layer: "command-line" }],
    },
  ],
  // merge semantics and operators
  [
    "mappings merge deeply",
    {
      files: {
        "configs/defaults.yml":
          "job:\n  chunks: 1\n  max-run-time: 3600\n  retry: {retries: 5}\n  treeherder: {tier: 2}\n",
      },
      want: [
        { label: LINUX_DEBUG, path: "treeherder.symbol", value: "M()" },
        { label: LINUX_DEBUG, path: "treeherder.tier", value: 2 },
      ],
    },
  ],
  [
    "a list replaces",
    {
      files: { "configs/suites/plain.yml": suite("mozharness: {options: [--x]}\n") },
      want: [{ label: LINUX_DEBUG, path: "mozharness.options", value: ["--x"] }],
    },
  ],
  [
    "$append",
    {
      files: { "configs/suites/plain.yml": suite("mozharness:\n  options: {$append: [--x, --y]}\n") },
      want: [{ label: LINUX_DEBUG, path: "mozharness.options", value: ["--base", "--x", "--y"] }],
    },
  ],
  [
    "$prepend",
    {
      files: { "configs/suites/plain.yml": suite("mozharness:\n  options: {$prepend: [--x]}\n") },
      want: [{ label: LINUX_DEBUG, path: "mozharness.options", value: ["--x", "--base"] }],
    },
  ],
  [
    "$remove",
    {
      files: { "configs/suites/plain.yml": suite("mozharness:\n  options: {$remove: [--base]}\n") },
      want: [{ label: LINUX_DEBUG, path: "mozharness.options", value: [] }],
    },
  ],
  [
    "$append on nothing below",
    {
      files: { "configs/suites/plain.yml": suite("mozharness:\n  extra-args: {$append: [--e10s]}\n") },
      want: [{ label: LINUX_DEBUG, path: "mozharness.extra-args", value: ["--e10s"] }],
    },
  ],
  [
    "$replace stops deep merging",
    {
      files: { "configs/suites/plain.yml": suite("mozharness: {$replace: {script: scripts/other.py}}\n") },
      want: [{ label: LINUX_DEBUG, path: "mozharness", value: { script: "scripts/other.py" } }],
    },
  ],
  [
    "null deletes",
    {
      files: { "configs/suites/plain.yml": suite("mozharness: {options: null}\n") },
      want: [{ label: LINUX_DEBUG, path: "mozharness", value: { script: "scripts/desktop_unittest.py" } }],
    },
  ],
  [
    "$remove of an absent item",
    {
      files: { "configs/suites/plain.yml": suite("mozharness:\n  options: {$remove: [--nope]}\n") },
      want: [{ error: { code: "JD033", file: "configs/suites/plain.yml", line: 6, column: 23, fragment: "--nope" } }],
    },
  ],
  [
    "$append on a mapping field",
    {
      files: { "configs/suites/plain.yml": suite("mach: {$append: [x]}\n") },
      want: [{ error: { code: "JD032", file: "configs/suites/plain.yml", line: 5, column: 8, fragment: "mapping" } }],
    },
  ],
  [
    "$replace on a list field",
    {
      files: { "configs/suites/plain.yml": suite("mozharness:\n  options: {$replace: {a: b}}\n") },
      want: [{ error: { code: "JD032", file: "configs/suites/plain.yml", line: 6, column: 13 } }],
    },
  ],
  [
    "$value writes a literal null or a mapping that looks like keyed-by",
    {
      files: {
        "configs/suites/plain.yml": suite(
          "mach:\n  kwargs:\n    test_paths: {$value: null}\n    subsuite: {$value: {by-platform: {x: 1}}}\n",
        ),
      },
      want: [
        { label: LINUX_DEBUG, path: "mach.kwargs", value: { test_paths: null, subsuite: { "by-platform": { x: 1 } } } },
      ],
    },
  ],
  [
    "$value null where the field needs a value",
    {
      files: { "configs/suites/plain.yml": suite("max-run-time: {$value: null}\n") },
      want: [
        {
          error: {
            code: "JD035",
            file: "configs/suites/plain.yml",
            line: 5,
            column: 24,
            fragment: "max-run-time: expected integer, got null",
          },
        },
      ],
    },
  ],
  // keyed-by
  [
    "keyed-by exact",
    {
      files: {
        "configs/suites/plain.yml": suite("max-run-time: {by-platform: {linux64: 11, 'linux.*': 12, default: 13}}\n"),
      },
      want: [
        { label: LINUX_DEBUG, path: "max-run-time", value: 11, line: 5 },
        { label: "test-win32/opt-plain-1", path: "max-run-time", value: 13 },
      ],
    },
  ],
  [
    "keyed-by regex",
    {
      files: { "configs/suites/plain.yml": suite("max-run-time: {by-platform: {'lin.*': 12, default: 13}}\n") },
      want: [{ label: LINUX_DEBUG, path: "max-run-time", value: 12 }],
    },
  ],
  [
    "keyed-by default",
    {
      files: { "configs/suites/plain.yml": suite("max-run-time: {by-platform: {'mac.*': 12, default: 13}}\n") },
      want: [{ label: LINUX_DEBUG, path: "max-run-time", value: 13 }],
    },
  ],
  [
    "keyed-by nested",
    {
      files: {
        "configs/suites/plain.yml": suite(
          "max-run-time:\n  by-platform:\n    linux64:\n      by-build-type: {debug: 21, default: 22}\n    default: 23\n",
        ),
      },
      want: [
        { label: LINUX_DEBUG, path: "max-run-time", value: 21, line: 8 },
        { label: "test-linux64/opt-plain-1", path: "max-run-time", value: 22 },
      ],
    },
  ],
  [
    "keyed-by branch, os, suite, harness",
    {
      files: {
        "configs/suites/plain.yml": suite(
          "env:\n  A: {by-branch: {central: a, default: z}}\n  B: {by-os: {windows: w, default: b}}\n  C: {by-suite: {plain: c, default: z}}\n  D: {by-harness: {mochitest: d, default: z}}\n",
        ),
      },
      want: [
        { label: LINUX_DEBUG, path: "env", value: { A: "a", B: "b", C: "c", D: "d" } },
        { label: "test-win32/opt-plain-1", path: "env.B", value: "w" },
      ],
    },
  ],
  [
    "keyed-by ambiguous",
    {
      files: {
        "configs/suites/plain.yml": suite("max-run-time: {by-platform: {'linux.*': 1, '.*64': 2, default: 3}}\n"),
      },
      want: [
        { error: { code: "JD031", file: "configs/suites/plain.yml", line: 5, column: 16, fragment: "linux.*, .*64" } },
      ],
    },
  ],
  [
    "keyed-by missing",
    {
      files: { "configs/suites/plain.yml": suite("max-run-time: {by-platform: {win32: 1}}\n") },
      want: [
        {
          error: {
            code: "JD030",
            file: "configs/suites/plain.yml",
            line: 5,
            column: 16,
            fragment: 'platform "linux64"',
          },
        },
      ],
    },
  ],
  [
    "keyed-by unknown attribute",
    {
      files: { "configs/suites/plain.yml": suite("max-run-time: {by-plattform: {default: 1}}\n") },
      want: [
        { error: { code: "JD023", file: "configs/suites/plain.yml", line: 5, column: 16, fragment: "by-platform" } },
      ],
    },
  ],
  [
    "keyed-by unresolved only where the suite does not run",
    {
      files: {
        "configs/suites/plain.yml": suite(
          "run-on: {platforms: [linux64]}\nmax-run-time: {by-platform: {linux64: 9}}\n",
        ),
      },
      want: [{ label: LINUX_DEBUG, path: "max-run-time", value: 9 }],
    },
  ],
  [
    "an incomplete merged job",
    {
      files: { "configs/suites/plain.yml": "description: d\nharness: mochitest\ntreeherder: {group: M}\n" },
      want: [
        {
          error: {
            code: "JD035",
            file: "configs/suites/plain.yml",
            line: 3,
            column: 13,
            fragment: 'missing required key "symbol"',
          },
        },
      ],
    },
  ],
  // run-on selection
  [
    "run-on platforms",
    {
      files: { "configs/suites/plain.yml": suite("run-on: {platforms: ['win.*']}\n") },
      want: [{ label: "test-win32/opt-plain-1", path: "chunks", value: 2 }],
    },
  ],
  [
    "run-on tags",
    {
      files: { "configs/suites/plain.yml": suite("run-on: {platform-tags: [desktop], build-types: [debug]}\n") },
      want: [{ label: LINUX_DEBUG, path: "chunks", value: 2 }],
    },
  ],
  [
    "run-on pattern that matches nothing",
    {
      files: { "configs/suites/plain.yml": suite("run-on: {platforms: [linux99]}\n") },
      want: [{ error: { code: "JD022", file: "configs/suites/plain.yml", line: 5, column: 22, fragment: "linux99" } }],
    },
  ],
  [
    "run-on invalid regex",
    {
      files: { "configs/suites/plain.yml": suite("run-on: {platforms: ['linux(']}\n") },
      want: [{ error: { code: "JD021", file: "configs/suites/plain.yml", line: 5, column: 22 } }],
    },
  ],
];

for (const [name, c] of CASES) {
  test(`layer engine: ${name}`, () => {
    const root = writeTree(c.files ?? {});
    const { jobs, diagnostics } = jobsOf(root, c.branch ?? "central", c.sets ?? []);
    for (const want of c.want) {
      if ("error" in want) {
        const d = diagnostics.find((x) => x.code === want.error.code);
        assert.ok(d, `expected ${want.error.code}, got ${JSON.stringify(diagnostics)}`);
        assert.deepEqual(
          { file: d.file, line: d.line, column: d.column },
          { file: want.error.file, line: want.error.line, column: want.error.column },
          d.message,
        );
        if (want.error.fragment)
          assert.match(d.message, new RegExp(want.error.fragment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
        continue;
      }
      assert.deepEqual(diagnostics, []);
      const job = jobs.find((j) => j.label === want.label);
      assert.ok(job, `no job ${want.label} in ${jobs.map((j) => j.label).join(", ")}`);
      assert.deepEqual(valueAt(job, want.path), want.value);
      if (want.layer || want.line) {
        const sub = fieldOf(job, want.path)!;
        const origin = provenanceList(sub.value, sub.prov, want.path)[want.path];
        if (want.layer) assert.equal(origin.layer, want.layer);
        if (want.line) assert.equal(origin.line, want.line);
      }
    }
  });
}

test("layer engine: run-on selection, branch exclusions and build types", () => {
  const root = writeTree({
    "configs/suites/plain.yml": suite("run-on: {platforms: ['linux.*'], build-types: [debug]}\n"),
    "configs/suites/other.yml":
      "description: o\nharness: mochitest\ntreeherder: {symbol: 'M(o)'}\nrun-on: {branches: [elsewhere]}\n",
    "configs/suites/gone.yml": "description: g\nharness: mochitest\ntreeherder: {symbol: 'M(g)'}\n",
    "configs/branches/central.yml":
      "description: t\nrepository: https://h/c\nplatforms: ['.*']\nexclude-suites: [gone]\n",
    "configs/branches/elsewhere.yml":
      "description: e\nrepository: https://h/e\nplatforms: [win32]\nbuild-types: [opt]\n",
  });
  assert.deepEqual(
    jobsOf(root, "central").jobs.map((j) => j.label),
    ["test-linux64/debug-plain-1", "test-linux64/debug-plain-2"],
  );
  assert.deepEqual(
    jobsOf(root, "elsewhere").jobs.map((j) => j.label),
    ["test-win32/opt-gone", "test-win32/opt-other"],
  );
});

test("layer engine: provenance records what a value overrode", () => {
  const root = writeTree({ "configs/suites/plain.yml": suite("max-run-time: 3000\n") });
  const job = jobsOf(root).jobs[0];
  const sub = fieldOf(job, "max-run-time")!;
  const origin = provenanceList(sub.value, sub.prov, "max-run-time")["max-run-time"];
  assert.equal(origin.file, "configs/suites/plain.yml");
  assert.deepEqual(origin.overrode, {
    layer: "defaults",
    file: "configs/defaults.yml",
    line: 6,
    column: 17,
    value: 3600,
    overrode: { layer: "built-in", file: null, line: null, column: null, value: 3600 },
  });
});

test("layer engine: chunks, max-run-time and retries default to taskgraph's values below defaults.yml", () => {
  const root = writeTree({ "configs/defaults.yml": "tree: {checked-in: {branches: [central]}}\n" });
  const job = jobsOf(root).jobs.find((j) => j.label === "test-linux64/opt-plain-1")!;
  assert.equal(valueAt(job, "max-run-time"), 3600);
  assert.deepEqual(valueAt(job, "retry"), { retries: 5 });
  const sub = fieldOf(job, "max-run-time")!;
  assert.equal(provenanceList(sub.value, sub.prov, "max-run-time")["max-run-time"].layer, "built-in");
});

test("layer engine: labels and Treeherder symbols clash", () => {
  const root = writeTree({
    "configs/suites/plain-1.yml": "description: x\nharness: mochitest\ntreeherder: {symbol: 'M(x)'}\n",
    "configs/suites/dup.yml": "description: d\nharness: mochitest\ntreeherder: {symbol: 'M(x)'}\n",
  });
  const codes = jobsOf(root).diagnostics.map((d) => d.code);
  assert.ok(codes.includes("JD040"), codes.join());
  assert.ok(codes.includes("JD041"), codes.join());
});
