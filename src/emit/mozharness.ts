/**
 * The mozharness target: per branch and platform, the config dict `desktop_unittest.py` reads with `--cfg`, as JSON
 * and as a Python twin of the same value. Generic jobs run their own command, not mozharness, so they are left out.
 */
import type { Diagnostic } from "../diagnostics.js";
import { error } from "../diagnostics.js";
import { type BranchJobs, type Job, jobPosition, jobsOn } from "../expand.js";
import { deepEqual } from "../merge.js";
import type { Platform, Tree } from "../model.js";
import type { PlatformSettings } from "../platform-settings.js";
import { byCodePoint, setOwn } from "../values.js";
import {
  inTreeConfigFile,
  isChunked,
  mozharnessConfigFile,
  mozharnessSuiteName,
  ownCategory,
  testSuiteDefinitionName,
  usesTestSuiteDefinitions,
} from "./mozharness-args.js";
import { perPlatform } from "./per-platform.js";
import { jsonWithPythonTwin } from "./python.js";
import type { EmitInput, Emitter } from "./types.js";

type Config = Record<string, unknown>;
/** An `all_<harness>_suites` entry: the options, or `{options, env}` when the suite sets a harness environment. */
type SuiteEntry = string[] | { options: string[]; env: Record<string, string> };

/**
 * Emits, for every platform the branch runs, `mozharness/<branch>/<platform>.json` and `.py` (the config `--cfg`
 * names) and `mozharness/<branch>/in-tree/<platform>_config.json` and `.py`: the in-tree config a build ships in its
 * tests zip at the main config's `in_tree_config` (`config/mozharness/linux_config.py`), where 2015 mozharness reads
 * the harnesses' options (`suite_definitions`) after unpacking the tests.
 */
export const emitMozharness: Emitter = (input) =>
  input.branch.platforms.flatMap((platform) => {
    const [main, inTree] = [mozharnessConfigFile, inTreeConfigFile].map((f) =>
      f(input.branch.branch.name, platform.name),
    );
    const paths = [`${main}.json`, `${main}.py`, `${inTree}.json`, `${inTree}.py`];
    return perPlatform(input, "mozharness", platform.name, paths, (report) => {
      const configs = mozharnessConfigs(input.tree, input.branch, platform, report);
      return [...jsonWithPythonTwin(main!, configs.main), ...jsonWithPythonTwin(inTree!, configs.inTree)];
    });
  });

/** What the mozharness target refuses (JD042), without rendering. */
export function checkMozharness({ tree, branch, report }: EmitInput): void {
  for (const platform of branch.platforms) mozharnessConfigs(tree, branch, platform, report);
}

/**
 * The configs of one platform of a branch. The main one: platform settings, the harness runners, then the suites
 * (`all_<harness>_suites`, and `test_suite_definitions` for scripts that read them). The in-tree one: the harness
 * options (`suite_definitions`).
 */
export function mozharnessConfigs(
  tree: Tree,
  branch: BranchJobs,
  platform: Platform,
  report: (d: Diagnostic) => void,
): { main: Config; inTree: Config } {
  const settings = branch.settings.get(platform.name)!;
  const jobs = jobsOn(branch, platform.name).filter((j) => j.harness !== undefined);
  // 1. settings: defaults deep-merged with the platform's (platform wins, lists replace)
  const main: Config = { ...settings.mozharness };
  // 2. every harness with a runner on this platform
  main.minimum_tests_zip_dirs = [...(tree.defaults.spec.mozharness?.["minimum-tests-zip-dirs"] ?? [])];
  const { suite_definitions, ...runners } = harnessRunners(tree, settings);
  Object.assign(main, runners);
  // 3. one entry per mozharness suite name of the platform's jobs
  const listed = jobs.filter((j) => !usesTestSuiteDefinitions(j));
  Object.assign(main, suiteLists(tree, platform.name, listed, report));
  const defined = jobs.filter(usesTestSuiteDefinitions);
  if (defined.length) main.test_suite_definitions = testSuiteDefinitions(defined);
  const inTree: Config = { ...settings.inTree };
  const definitions = suite_definitions as Record<string, Definition>;
  const categories = categoryDefinitions(tree, platform.name, defined, definitions, report);
  inTree.suite_definitions = {
    ...(inTree.suite_definitions as Config | undefined),
    ...definitions,
    ...categories,
  };
  return { main, inTree };
}

/** An in-tree `suite_definitions` entry: how mozharness runs one category. */
type Definition = { options: string[]; run_filename: string; testsdir: string };

/**
 * The in-tree entries of the categories jobs run as (`mozharness.category`): the harness's entry, then the chunk
 * count and the suite's options, constant over its chunks, as 2015's Android in-tree config held them.
 */
function categoryDefinitions(
  tree: Tree,
  platform: string,
  jobs: readonly Job[],
  harnesses: Readonly<Record<string, Definition>>,
  report: (d: Diagnostic) => void,
): Record<string, Definition> {
  const categories: Record<string, Definition> = {};
  const firstJob = new Map<string, Job>();
  // chunks of one suite share their spec: look at each (build type, suite) once
  for (const job of jobs.filter((j) => j.chunk === 1)) {
    const category = ownCategory(job);
    const harness = job.harness === undefined ? undefined : harnesses[job.harness];
    if (category === undefined || harness === undefined) continue;
    const options = [...harness.options, ...totalChunks(job), ...(job.spec.mozharness?.options ?? [])];
    const entry = { ...harness, options };
    const other = firstJob.get(category);
    if (!other && !Object.hasOwn(harnesses, category)) {
      firstJob.set(category, job);
      setOwn(categories, category, entry);
    } else if (!other || !deepEqual(categories[category], entry)) {
      report(categoryConflict(tree, platform, category, job, other));
    }
  }
  return categories;
}

function categoryConflict(
  tree: Tree,
  platform: string,
  category: string,
  job: Job,
  other: Job | undefined,
): Diagnostic {
  const at = (j: Job) => jobPosition(tree, j, ["mozharness", "category"], ["mozharness", "options"]);
  const why = other
    ? `${other.label} defines it with other options or chunks`
    : "a harness of that name has its own entry";
  return error(
    "JD042",
    `suite_definitions["${category}"] on ${platform}: ${job.label} runs as category "${category}", but ${why}; ` +
      "one in-tree config serves every build type and suite of a platform, so give them different mozharness.category values or the same options and chunks",
    at(job),
    other ? [{ ...at(other), message: `${other.label} defines it here` }] : [],
  );
}

/**
 * `test_suite_definitions` of the jobs that read them: per job (so per chunk), its category (the harness or its own
 * category, a key of the in-tree `suite_definitions`) and extra arguments: the chunk arguments then the suite's
 * options; with an own category, the chunk number alone.
 */
function testSuiteDefinitions(jobs: readonly Job[]): Config {
  const definitions: Record<string, unknown> = {};
  for (const job of jobs) {
    const category = ownCategory(job);
    const thisChunk = isChunked(job) ? [`--this-chunk=${job.chunk}`] : [];
    // an own category's in-tree entry holds the chunk count and the options
    const extra = category ? thisChunk : [...totalChunks(job), ...thisChunk, ...(job.spec.mozharness?.options ?? [])];
    setOwn(definitions, testSuiteDefinitionName(job), { category: category ?? job.harness, extra_args: extra });
  }
  return definitions;
}

/** The chunk count as the in-tree config's entries take it (one argument), where mozharness gets chunk arguments. */
function totalChunks(job: Job): string[] {
  return isChunked(job) ? [`--total-chunks=${job.chunks}`] : [];
}

function harnessRunners(tree: Tree, settings: PlatformSettings): Config {
  const runFileNames: Record<string, string> = {};
  const zipDirs: Record<string, string[]> = {};
  const definitions: Record<string, unknown> = {};
  // a harness left out has no arm for this platform: only an error where a job uses it (expand reports it)
  for (const name of [...tree.harnesses.keys()].sort(byCodePoint)) {
    const harness = settings.runners.get(name);
    if (!harness?.runFile) continue;
    runFileNames[name] = harness.runFile;
    zipDirs[name] = [...harness.zipDirs];
    definitions[name] = {
      options: [...harness.options],
      run_filename: harness.runFile,
      testsdir: harness.testsDir ?? name,
    };
  }
  return { run_file_names: runFileNames, specific_tests_zip_dirs: zipDirs, suite_definitions: definitions };
}

function suiteEntry(job: Job): SuiteEntry {
  const options = [...(job.spec.mozharness?.options ?? [])];
  const env = job.spec.mozharness?.env as Record<string, string> | undefined;
  return env && Object.keys(env).length ? { options, env: { ...env } } : options;
}

/** An `also-suites` value as its entry: the options, or `{options, env}` when it sets an environment. */
function alsoEntry(value: SuiteEntry): SuiteEntry {
  if (Array.isArray(value)) return [...value];
  const env = value.env ?? {};
  return Object.keys(env).length ? { options: [...value.options], env: { ...env } } : [...value.options];
}

/**
 * The `all_<harness>_suites` entries of one job: its own (the first name of `suite-name`), then its `also-suites`.
 * Every further name of a comma-separated `suite-name` must have its entry in `also-suites`.
 */
function jobEntries(tree: Tree, job: Job, report: (d: Diagnostic) => void): [string, SuiteEntry][] {
  const [first, ...rest] = mozharnessSuiteName(job).split(",");
  const also = (job.spec.mozharness?.["also-suites"] ?? {}) as Record<string, SuiteEntry>;
  for (const name of rest.filter((n) => !Object.hasOwn(also, n)))
    report(
      error(
        "JD042",
        `${job.label} runs the mozharness suite "${name}" (suite-name "${mozharnessSuiteName(job)}") but gives it no entry: add it to mozharness.also-suites`,
        jobPosition(tree, job, ["mozharness", "suite-name"]),
      ),
    );
  return [[first, suiteEntry(job)], ...Object.entries(also).map(([n, e]): [string, SuiteEntry] => [n, alsoEntry(e)])];
}

function suiteLists(tree: Tree, platform: string, jobs: readonly Job[], report: (d: Diagnostic) => void): Config {
  const lists: Record<string, Record<string, SuiteEntry>> = {};
  const firstJob = new Map<string, Job>();
  // Chunks of one suite share their spec: look at each (build type, suite) once.
  for (const job of jobs.filter((j) => j.chunk === 1)) {
    const key = `all_${job.harness}_suites`;
    lists[key] ??= {};
    const list = lists[key];
    for (const [name, entry] of jobEntries(tree, job, report)) {
      const other = firstJob.get(`${key}\0${name}`);
      if (!other) {
        firstJob.set(`${key}\0${name}`, job);
        setOwn(list, name, entry);
      } else if (!deepEqual(list[name], entry)) {
        report(conflict(tree, platform, key, name, job, entry, other, list[name]));
      }
    }
  }
  return lists;
}

function conflict(
  tree: Tree,
  platform: string,
  key: string,
  name: string,
  job: Job,
  entry: SuiteEntry,
  other: Job,
  otherEntry: SuiteEntry,
): Diagnostic {
  const at = (j: Job) =>
    jobPosition(
      tree,
      j,
      ["mozharness", "options"],
      ["mozharness", "env"],
      ["mozharness", "suite-name"],
      ["mozharness", "also-suites"],
    );
  return error(
    "JD042",
    `${key}["${name}"] on ${platform}: ${job.label} needs ${JSON.stringify(entry)} but ${other.label} needs ${JSON.stringify(otherEntry)}; ` +
      "one mozharness config serves every build type and suite of a platform, so give them different mozharness.suite-name values or the same options",
    at(job),
    [{ ...at(other), message: `${other.label} sets it here` }],
  );
}
