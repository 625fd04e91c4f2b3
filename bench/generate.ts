/**
 * Deterministic generator of synthetic configs trees for the benchmark: a few harnesses, platforms on docker-worker
 * and generic-worker, suites selecting platforms by regex or tag, keyed-by chunks/max-run-time/options and list
 * operators, in the shares asked for. Suites are added until one branch has at least `jobs` jobs.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";

export interface GenerateOptions {
  /** Jobs per branch to reach (the tree has at least this many). */
  readonly jobs: number;
  readonly seed?: number;
  readonly platforms?: number;
  readonly branches?: number;
  /** Largest chunk count of a suite. */
  readonly maxChunks?: number;
  /** Share of suite values written as keyed-by (0..1). */
  readonly keyedShare?: number;
  /** Share of suites using `$append`/`$prepend`/`$remove` (0..1). */
  readonly operatorShare?: number;
}

export interface Generated {
  readonly root: string;
  readonly jobsPerBranch: number;
  readonly suites: number;
  readonly platforms: number;
  readonly branches: readonly string[];
  readonly files: number;
}

const OSES = ["linux", "windows", "macosx", "android"] as const;
const HARNESSES = ["mochitest", "reftest", "xpcshell", "marionette", "web-platform-tests", "cppunittest"];
const BRANCH_NAMES = ["mozilla-central", "mozilla-inbound", "try", "fx-team", "mozilla-aurora"];

/** mulberry32: a small seeded PRNG, so the same options always give the same tree. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PlatformDef {
  name: string;
  os: (typeof OSES)[number];
  buildTypes: string[];
  tags: string[];
}

/** Block-style YAML, as people write it; short lists of scalars in flow style. */
function yamlOf(value: unknown): string {
  return stringify(value, { lineWidth: 0, flowCollectionPadding: false, collectionStyle: "any" });
}

function platformDefs(count: number): PlatformDef[] {
  const out: PlatformDef[] = [];
  for (let i = 0; i < count; i++) {
    const os = OSES[i % OSES.length];
    const buildTypes =
      os === "linux" && i % 8 === 0 ? ["opt", "debug", "asan"] : os === "android" ? ["opt"] : ["opt", "debug"];
    const tags =
      os === "android"
        ? ["mobile"]
        : ["desktop", ...(i % 3 === 0 ? ["e10s"] : []), ...(os !== "linux" ? ["hardware"] : [])];
    out.push({ name: `${os}-${String(Math.floor(i / OSES.length)).padStart(2, "0")}`, os, buildTypes, tags });
  }
  return out;
}

function platformFile(p: PlatformDef, index: number): Record<string, unknown> {
  const docker = p.os === "linux" || p.os === "android";
  const sep = p.os === "windows" ? "\\" : "/";
  return {
    description: `Synthetic ${p.os} platform ${p.name}`,
    os: p.os,
    "build-types": p.buildTypes,
    tags: p.tags,
    treeherder: { machine: p.name },
    worker: docker
      ? {
          implementation: "docker-worker",
          provisioner: "aws-provisioner-v1",
          "worker-type": `test-${p.os}-${index}`,
          image: "taskcluster/desktop-test:0.4.4",
        }
      : { implementation: "generic-worker", provisioner: "scl3", "worker-type": `t-${p.os}-${index}` },
    buildbot: { "slave-platform": `${p.name}-ix` },
    mozharness: {
      "config-files": [`unittests/${p.os}_unittest.py`],
      settings: {
        binary_path: `/builds/slave/test/build/firefox/firefox${p.os === "windows" ? ".exe" : "-bin"}`,
        exe_suffix: p.os === "windows" ? ".exe" : "",
        exes: {
          python: `/tools/buildbot/bin/python`,
          virtualenv: ["/tools/buildbot/bin/python", "/tools/misc-python/virtualenv.py"],
        },
        installer_path: `/builds/slave/test/build/installer${sep}${p.name}.tar.bz2`,
        xpcshell_name: p.os === "windows" ? "xpcshell.exe" : "xpcshell",
      },
    },
    job: { env: { PLATFORM_ID: p.name }, ...(docker ? { taskcluster: { features: { allowPtrace: true } } } : {}) },
  };
}

function harnessFile(h: string): Record<string, unknown> {
  return {
    description: `Synthetic ${h} harness`,
    "run-file": { "by-os": { android: `run${h}remote.py`, default: `run${h}.py` } },
    "tests-dir": h,
    "zip-dirs": [`${h}/*`],
    options: {
      "by-os": {
        android: ["--dm_trans=adb", "--app=%(app)s", "--xre-path=%(xre_path)s", "--log-raw=%(raw_log_file)s"],
        default: [
          "--appname=%(binary_path)s",
          "--utility-path=tests/bin",
          "--symbols-path=%(symbols_path)s",
          "--log-raw=%(raw_log_file)s",
        ],
      },
    },
    "suite-arg": `--${h}-suite`,
    job: { mach: { command: h }, taskcluster: { "loopback-video": h === "mochitest" } },
  };
}

/** A letters-only symbol per suite: chunk numbers appended to it can never make two suites' symbols equal. */
function letters(i: number): string {
  let out = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(97 + ((n - 1) % 26)) + out;
  return out;
}

interface SuitePlan {
  file: Record<string, unknown>;
  jobs: number;
}

/** One suite file and the number of jobs it gives one branch. */
function suitePlan(
  i: number,
  platforms: PlatformDef[],
  rnd: () => number,
  o: Required<Omit<GenerateOptions, "jobs">>,
): SuitePlan {
  const harness = HARNESSES[i % HARNESSES.length];
  const keyed = () => rnd() < o.keyedShare;
  // 1. which platforms: by regex, by tag, or everywhere
  const pick = rnd();
  let selected: PlatformDef[];
  let runOn: Record<string, unknown> | undefined;
  if (pick < 0.35) {
    const oses = OSES.filter(() => rnd() < 0.6);
    const use = oses.length ? oses : ["linux"];
    runOn = { platforms: [`(${use.join("|")})-.*`] };
    selected = platforms.filter((p) => (use as string[]).includes(p.os));
  } else if (pick < 0.6) {
    const tag = ["desktop", "e10s", "hardware", "mobile"][Math.floor(rnd() * 4)];
    runOn = { "platform-tags": [tag] };
    selected = platforms.filter((p) => p.tags.includes(tag));
  } else {
    selected = platforms;
  }
  let buildTypes: string[] | undefined;
  if (rnd() < 0.15) {
    buildTypes = ["debug"];
    runOn = { ...runOn, "build-types": buildTypes };
  }
  // 2. chunks, keyed by build type or not
  const base = 1 + Math.floor(rnd() * o.maxChunks);
  const debugChunks = Math.min(o.maxChunks * 2, base * 2);
  const chunksKeyed = keyed() && base > 1;
  const chunksOf = (bt: string) => (chunksKeyed && bt === "debug" ? debugChunks : base);
  let jobs = 0;
  for (const p of selected)
    for (const bt of p.buildTypes) if (!buildTypes || buildTypes.includes(bt)) jobs += chunksOf(bt);

  const suite = `${harness}-s${String(i).padStart(4, "0")}`;
  const group = `G${i % 40}`;
  const file: Record<string, unknown> = {
    description: `Synthetic suite ${i} of the ${harness} harness`,
    harness,
    treeherder: { symbol: `${group}(${letters(i)})`, ...(i % 7 === 0 ? { tier: 2 } : {}) },
    chunks: chunksKeyed ? { "by-build-type": { debug: debugChunks, default: base } } : base,
  };
  if (runOn) file["run-on"] = runOn;
  if (keyed()) file["max-run-time"] = { "by-os": { windows: 5400, android: 7200, default: 3600 + 60 * (i % 30) } };
  const options = [`--suite-id=${i}`, "--setpref=dom.ipc.processCount=1"];
  file.mozharness = {
    "suite-name": suite,
    options: keyed()
      ? {
          "by-platform": {
            "linux-0[0-4]": [...options, "--e10s"],
            "windows-.*": [...options, "--win"],
            default: options,
          },
        }
      : options,
    ...(i % 5 === 0 ? { env: { MOZ_SUITE: suite } } : {}),
    ...(base > 1 ? { chunked: true } : {}),
  };
  if (rnd() < o.operatorShare) {
    const op = ["$append", "$prepend", "$remove"][i % 3];
    file.retry = { "on-exit-status": op === "$remove" ? { $remove: [4] } : { [op]: [i % 2 ? 5 : 6] } };
    file.env = { SUITE_INDEX: String(i) };
  }
  if (keyed())
    file.taskcluster = { "worker-type": { "by-platform": { "android-.*": "test-android-big", default: null } } };
  file.try = { name: suite, aliases: [`${harness}s`] };
  return { file, jobs };
}

/** Writes a tree under `root` (emptied first). */
export function generateTree(root: string, options: GenerateOptions): Generated {
  const o = { seed: 2015, platforms: 24, branches: 3, maxChunks: 8, keyedShare: 0.3, operatorShare: 0.2, ...options };
  const rnd = prng(o.seed);
  rmSync(root, { recursive: true, force: true });
  const configs = join(root, "configs");
  for (const d of ["harnesses", "platforms", "branches", "suites"]) mkdirSync(join(configs, d), { recursive: true });
  const branches = BRANCH_NAMES.slice(0, o.branches);
  let files = 0;
  const write = (path: string, value: Record<string, unknown>) => {
    writeFileSync(join(configs, path), yamlOf(value));
    files++;
  };

  write("defaults.yml", {
    tree: {
      "checked-in": { branches, targets: ["mozharness", "mach", "buildbot", "taskcluster"] },
      owner: "bench@example.com",
      "treeherder-groups": Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`G${i}`, `Group ${i}`])),
    },
    mozharness: {
      "minimum-tests-zip-dirs": ["bin/*", "certs/*", "modules/*"],
      settings: { buildbot_json_path: "buildprops.json", pip_index: false },
    },
    job: {
      chunks: 1,
      "max-run-time": 7200,
      retry: { retries: 5, "on-exit-status": [4] },
      mozharness: { script: "scripts/desktop_unittest.py", "blob-upload": true },
      env: { MOZ_AUTOMATION: "1" },
    },
  });
  for (const h of HARNESSES) write(`harnesses/${h}.yml`, harnessFile(h));
  const platforms = platformDefs(o.platforms);
  for (const [i, p] of platforms.entries()) write(`platforms/${p.name}.yml`, platformFile(p, i));
  for (const [i, b] of branches.entries())
    write(`branches/${b}.yml`, {
      description: `Synthetic branch ${b}`,
      repository: `https://hg.mozilla.org/${b === "mozilla-inbound" ? "integration/" : ""}${b}`,
      level: b === "try" ? 1 : 3,
      platforms: [".*"],
      priority: ["high", "medium", "low", "very-low", "lowest"][i],
      ...(b === "try" ? { "try-syntax": true } : {}),
      job: { env: { BRANCH: b }, mozharness: { "extra-args": { $append: [`--branch=${b}`] } } },
    });
  let jobs = 0;
  let suites = 0;
  while (jobs < o.jobs) {
    const plan = suitePlan(suites, platforms, rnd, o);
    if (plan.jobs === 0) {
      suites++;
      continue;
    }
    write(`suites/${(plan.file.mozharness as { "suite-name": string })["suite-name"]}.yml`, plan.file);
    jobs += plan.jobs;
    suites++;
  }
  return { root, jobsPerBranch: jobs, suites, platforms: platforms.length, branches, files };
}
