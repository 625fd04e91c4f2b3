/**
 * The JSON Schemas of every file kind, built from a vocabulary's terms (src/vocabulary.ts). Like taskgraph's
 * `optionally_keyed_by`, `keyed()` wraps a value schema so it may also be a `by-<attribute>` mapping whose arms are
 * checked against the same schema; `layered()` adds the merge operators a higher layer may use. The compiler builds
 * them at run time; `npm run generate` writes those of the default vocabulary to schemas/ for editors.
 */
import type { VocabularyTerms } from "./vocabulary.js";

type Schema = Record<string, unknown>;

export const SCHEMA_BASE = "https://jobdef.dev/schemas/";
/** The values of a platform's `os` (and so of the `os` attribute). */
export const OS_FAMILIES: readonly string[] = ["linux", "macosx", "windows", "android"];
export const NAME_PATTERN = "^[a-z0-9][a-z0-9._-]*$";
/** A relative path that stays below its base: no leading `/` or `\\`, no drive letter, no `..` segment, no NUL. */
export const RELATIVE_PATH_PATTERN = "^(?![/\\\\])(?![A-Za-z]:)(?!(?:.*[/\\\\])?\\.\\.(?:[/\\\\]|$))[^\\u0000]+$";

const str = (title: string, description: string, extra: Schema = {}): Schema => ({
  type: "string",
  title,
  description,
  ...extra,
});
const int = (title: string, description: string, minimum: number, maximum?: number): Schema => ({
  type: "integer",
  title,
  description,
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
});
const bool = (title: string, description: string): Schema => ({ type: "boolean", title, description });
const list = (title: string, description: string, items: Schema, extra: Schema = {}): Schema => ({
  type: "array",
  title,
  description,
  items,
  ...extra,
});
const name = (title: string, description: string): Schema => str(title, description, { pattern: NAME_PATTERN });
const stringMap = (title: string, description: string): Schema => ({
  type: "object",
  title,
  description,
  additionalProperties: { type: "string" },
});
const object = (title: string, description: string, properties: Record<string, Schema>, required: string[] = []) => ({
  type: "object",
  title,
  description,
  properties,
  additionalProperties: false,
  ...(required.length ? { required } : {}),
});

/** Every place a keyed-by value may stand gets its own `$defs` entry, so the arms recurse into the same schema. */
class Defs {
  readonly defs: Record<string, Schema> = {};
  constructor(private readonly attributes: readonly string[]) {}

  /** The value, or `{by-<attr>: {<pattern>: value-or-nested-keyed-by}}`. */
  keyed(id: string, value: Schema): Schema {
    const { title, description } = value;
    this.defs[id] = {
      title,
      description,
      anyOf: [
        stripDoc(value),
        {
          type: "object",
          title: `${String(title)}, keyed by a job attribute`,
          description: `One key \`by-<attribute>\` (${this.attributes.join(", ")}) mapping patterns to values; exact key first, then full regular-expression matches, then \`default\`.`,
          minProperties: 1,
          maxProperties: 1,
          propertyNames: { pattern: `^by-(${this.attributes.map(escapeRegex).join("|")})$` },
          additionalProperties: {
            type: "object",
            minProperties: 1,
            additionalProperties: { $ref: `#/$defs/${id}` },
          },
        },
      ],
    };
    return { $ref: `#/$defs/${id}`, title, description };
  }
}

function stripDoc(s: Schema): Schema {
  const { title: _t, description: _d, ...rest } = s;
  return rest;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether an operator may stand for a field of schema `s`. */
function operatorFits(op: VocabularyTerms["operators"][number], s: Schema): boolean {
  return op.on === "any" || (op.on === "list" ? s.type === "array" : s.type === "object");
}

/** In a layer a value may also be an operator that fits its field, and `null` deletes the key. */
function layered(s: Schema, operators: VocabularyTerms["operators"]): Schema {
  const alternatives: Schema[] = [s, { type: "null", title: "Delete this key from the merged job" }];
  for (const op of operators) {
    if (!operatorFits(op, s)) continue;
    alternatives.push({
      type: "object",
      title: op.title,
      properties: {
        [op.name]: op.flag ? { const: true } : op.nullable ? { anyOf: [stripDoc(s), { type: "null" }] } : stripDoc(s),
      },
      required: [op.name],
      additionalProperties: false,
    });
  }
  return { title: s.title, description: s.description, anyOf: alternatives };
}

const treeherderSymbol = str(
  "Treeherder symbol",
  "The job's symbol, either bare (`bc`) or in Mozilla's `group(symbol)` form (`M(bc)`, `M()`). The chunk number is appended when the suite is chunked.",
  { pattern: "^([A-Za-z0-9_.+-]+\\([A-Za-z0-9_.+-]*\\)|[A-Za-z0-9_.+-]+)$" },
);

/** The fields of a job. Every layer (defaults, harness, platform, suite, branch, --set) is a partial job. */
function jobProperties(d: Defs, terms: VocabularyTerms, opts: { layer: boolean }): Record<string, Schema> {
  const L = (s: Schema) => (opts.layer ? layered(s, terms.operators) : s);
  const K = (id: string, s: Schema) => (opts.layer ? L(d.keyed(id, s)) : s);
  return {
    description: K(
      "description",
      str("Description", "What the suite tests, shown in task metadata and `jobdef list`."),
    ),
    harness: K(
      "harness",
      name("Harness", "The harness category (a file in `harnesses/`) whose runner executes this suite."),
    ),
    generic: L(
      object(
        "Generic job",
        "Run an in-tree script instead of a mozharness harness: what try users reach for to experiment without release engineering.",
        {
          command: K(
            "generic-command",
            list("Command", "The command and its arguments, run from `cwd` in a checkout of the pushed revision.", {
              type: "string",
            }),
          ),
          cwd: K(
            "generic-cwd",
            str("Working directory", "Relative to the root of the checkout, and inside it.", {
              pattern: RELATIVE_PATH_PATTERN,
            }),
          ),
          env: K("generic-env", stringMap("Environment", "Variables set for the command.")),
          artifacts: K(
            "generic-artifacts",
            list(
              "Artifacts",
              "Files or directories the command leaves behind for upload.",
              object(
                "Artifact",
                "One uploaded file or directory.",
                {
                  name: str("Name", "Artifact name, e.g. `public/results.xml`."),
                  path: str("Path", "Path relative to the working directory, and inside it.", {
                    pattern: RELATIVE_PATH_PATTERN,
                  }),
                  type: {
                    type: "string",
                    enum: ["file", "directory"],
                    title: "Type",
                    description: "File or directory.",
                  },
                },
                ["name", "path", "type"],
              ),
            ),
          ),
        },
        ["command"],
      ),
    ),
    treeherder: L(
      object(
        "Treeherder",
        "How the job is shown on Treeherder.",
        {
          symbol: K("treeherder-symbol", treeherderSymbol),
          group: K(
            "treeherder-group",
            str("Group symbol", "Treeherder group symbol, e.g. `M`; may also be given as `M(...)` in `symbol`.", {
              pattern: "^[A-Za-z0-9_.+-]+$",
            }),
          ),
          "group-name": K("treeherder-group-name", str("Group name", "Long name of the group, e.g. `Mochitests`.")),
          tier: K("treeherder-tier", int("Tier", "Treeherder tier: 1 shown by default, 3 hidden.", 1, 3)),
        },
        opts.layer ? [] : ["symbol"],
      ),
    ),
    chunks: K("chunks", int("Chunks", "How many jobs the suite is split into.", 1, 1000)),
    "run-on": L(
      object("Run on", "Which platforms, build types and branches the suite runs on.", {
        platforms: K(
          "run-on-platforms",
          list("Platforms", "Regular expressions that must fully match the platform name.", { type: "string" }),
        ),
        "platform-tags": K(
          "run-on-platform-tags",
          list("Platform tags", "The suite runs on every platform carrying one of these tags.", {
            type: "string",
            pattern: NAME_PATTERN,
          }),
        ),
        "build-types": K(
          "run-on-build-types",
          list("Build types", "Build types to run on; all of the platform's when absent.", {
            type: "string",
            pattern: NAME_PATTERN,
          }),
        ),
        branches: K(
          "run-on-branches",
          list("Branches", "Regular expressions that must fully match the branch name; all branches when absent.", {
            type: "string",
          }),
        ),
      }),
    ),
    "max-run-time": K("max-run-time", int("Max run time", "Seconds before the job is killed.", 1, 86400)),
    scheduler: K("scheduler", {
      type: "string",
      enum: [...terms.schedulers],
      title: "Scheduler",
      description: `Where the job runs while jobs move from buildbot to TaskCluster: ${terms.schedulers
        .filter((s) => s !== "both")
        .map((s) => `\`${s}\``)
        .join(
          ", ",
        )} or \`both\` (the default). A scheduler's output holds only the jobs that run there; \`jobdef parity\` compares buildbot's and TaskCluster's.`,
    }),
    retry: L(
      object(
        "Retry policy",
        "When a failed job is run again automatically.",
        {
          retries: K(
            "retry-retries",
            int("Retries", "How often the queue re-runs a task that failed for infrastructure reasons.", 0, 49),
          ),
          "on-exit-status": K(
            "retry-on-exit-status",
            list("Retry on exit status", "Exit codes of the job that ask for a retry (mozharness uses 4).", {
              type: "integer",
              minimum: 0,
              maximum: 255,
            }),
          ),
        },
        opts.layer ? [] : ["retries"],
      ),
    ),
    env: K("env", stringMap("Environment", "Variables set for the job, in every scheduler.")),
    mozharness: L(
      object("Mozharness", "How mozharness runs the suite.", {
        script: K("mozharness-script", str("Script", "The mozharness script, e.g. `scripts/desktop_unittest.py`.")),
        "suite-name": K(
          "mozharness-suite-name",
          str(
            "Suite name",
            "Key in `all_<harness>_suites` and value of the suite argument; defaults to the suite's name. Several suites run in one job are a comma-separated list (mozharness runs each in turn): the first takes `options` and `env`, the others' entries come from `also-suites`.",
          ),
        ),
        options: K(
          "mozharness-options",
          list(
            "Options",
            "The suite's own harness options (`all_<harness>_suites` entry). `%(name)s` passes through.",
            {
              type: "string",
            },
          ),
        ),
        env: K(
          "mozharness-env",
          stringMap("Environment", "Harness environment; when set, the suite entry becomes `{options, env}`."),
        ),
        "also-suites": K("mozharness-also-suites", {
          type: "object",
          title: "Also suites",
          description:
            "Further `all_<harness>_suites` entries the suite writes into its platform's mozharness config: suites its job runs after its own (named after a comma in `suite-name`, or in `extra-args`), or variants run by hand with `--<harness>-suite` (e.g. `plain1`). Name → options, or `{options, env}`.",
          propertyNames: { pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$" },
          additionalProperties: {
            anyOf: [
              { type: "array", items: { type: "string" } },
              {
                type: "object",
                properties: {
                  options: list("Options", "The suite's harness options.", { type: "string" }),
                  env: stringMap("Environment", "The suite's harness environment."),
                },
                required: ["options"],
                additionalProperties: false,
              },
            ],
          },
        }),
        "extra-args": K(
          "mozharness-extra-args",
          list("Extra arguments", "Arguments appended to the mozharness command line.", { type: "string" }),
        ),
        chunked: K(
          "mozharness-chunked",
          bool("Chunked", "Pass `--total-chunks`/`--this-chunk` to mozharness; defaults to true when chunks > 1."),
        ),
        "test-suite-definitions": K(
          "mozharness-test-suite-definitions",
          bool(
            "Test suite definitions",
            "The script picks its suite and chunk from the config's `test_suite_definitions` (android_emulator_unittest.py): the job passes `<suite argument> <suite-name>-<chunk>` (the bare suite name when unchunked) and the config holds that entry, `{category: <harness>, extra_args: [--total-chunks=N, --this-chunk=i, ...options]}`, instead of an `all_<harness>_suites` entry.",
          ),
        ),
        category: K(
          "mozharness-category",
          name(
            "Category",
            "With `test-suite-definitions`: the in-tree category the suite runs as (2015's Android `crashtest`, `robocop`, `mochitest-gl`); its harness's name, the default, is the harness's own entry. Another name: the in-tree config gets `suite_definitions.<category>`: the harness's runner and options, `--total-chunks=N`, then the suite's options; the `test_suite_definitions` entries hold `{category, extra_args: [--this-chunk=i]}`.",
          ),
        ),
        "blob-upload": K("mozharness-blob-upload", bool("Blob upload", "Upload extra files through blobber.")),
        "download-symbols": K("mozharness-download-symbols", {
          type: ["boolean", "string"],
          enum: [true, false, "ondemand"],
          title: "Download symbols",
          description: "Whether mozharness downloads crash symbols: true, false or `ondemand`.",
        }),
      }),
    ),
    mach: L(
      object("mach", "How `mach` runs the suite locally.", {
        command: K("mach-command", str("Command", "The mach command, e.g. `mochitest`.")),
        aliases: K("mach-aliases", list("Aliases", "Other names `mach test` accepts.", { type: "string" })),
        kwargs: K("mach-kwargs", {
          type: "object",
          title: "Keyword arguments",
          description: "Arguments passed to the mach command.",
        }),
      }),
    ),
    buildbot: L(
      object("buildbot", "buildbot-configs settings of the suite.", {
        name: K(
          "buildbot-name",
          name("Builder suite name", "Name in the buildbot suite list; defaults to the suite's name."),
        ),
        timeout: K(
          "buildbot-timeout",
          int("Timeout", "Seconds without output before buildbot kills the step.", 1, 86400),
        ),
      }),
    ),
    taskcluster: L(
      object("TaskCluster", "TaskCluster settings of the job.", {
        "worker-type": K(
          "tc-worker-type",
          str("Worker type", "Overrides the platform's worker type.", { pattern: "^[a-zA-Z0-9-_]{1,38}$" }),
        ),
        priority: K("tc-priority", {
          type: "string",
          enum: ["highest", "very-high", "high", "medium", "low", "very-low", "lowest"],
          title: "Priority",
          description: "Queue priority; the branch usually sets it.",
        }),
        features: K("tc-features", {
          type: "object",
          title: "Worker features",
          description: "docker-worker/generic-worker features, e.g. `{allowPtrace: true}`.",
          additionalProperties: { type: "boolean" },
        }),
        "loopback-video": K("tc-loopback-video", bool("Loopback video", "Give the container a loopback video device.")),
      }),
    ),
    try: L(
      object("Try", "How try syntax selects the suite.", {
        name: K("try-name", name("Try name", "The name `-u` selects; defaults to the suite's name.")),
        aliases: K(
          "try-aliases",
          list("Aliases", "Other names selecting the suite, e.g. `mochitests`.", {
            type: "string",
            pattern: NAME_PATTERN,
          }),
        ),
      }),
    ),
  };
}

function fileSchema(
  id: string,
  title: string,
  description: string,
  properties: Record<string, Schema>,
  required: string[],
  defs: Defs,
): Schema {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `${SCHEMA_BASE}${id}.schema.json`,
    title,
    description,
    type: "object",
    properties,
    additionalProperties: false,
    ...(required.length ? { required } : {}),
    ...(Object.keys(defs.defs).length ? { $defs: defs.defs } : {}),
  };
}

const JOB_LAYER_REF = "job-layer.schema.json";

function jobLayer(title: string, description: string): Schema {
  return { $ref: JOB_LAYER_REF, title, description };
}

const workerSchema = object(
  "Worker",
  "The TaskCluster worker pool running this platform's tests.",
  {
    implementation: {
      type: "string",
      enum: ["docker-worker", "generic-worker"],
      title: "Implementation",
      description: "docker-worker (Linux, Android) or generic-worker (Windows, macOS).",
    },
    provisioner: str("Provisioner", "The provisioner id, e.g. `aws-provisioner-v1`.", {
      pattern: "^[a-zA-Z0-9-_]{1,38}$",
    }),
    "worker-type": str("Worker type", "The worker type, e.g. `desktop-test`.", { pattern: "^[a-zA-Z0-9-_]{1,38}$" }),
    image: str("Docker image", "Image for docker-worker tasks."),
  },
  ["implementation", "provisioner", "worker-type"],
);

const mozharnessSettings = {
  type: "object",
  title: "mozharness settings",
  description:
    "Platform settings copied into the mozharness config as they are: `exes`, `binary_path`, `installer_path`, `xpcshell_name`, `exe_suffix`, ...",
};

const mozharnessInTree = {
  type: "object",
  title: "mozharness in-tree settings",
  description:
    "Settings of the in-tree config a build ships in its tests zip (the config's `in_tree_config`), beside the harnesses' `suite_definitions`: what scripts with a runner of their own read there, e.g. web_platform_tests.py's `options`, marionette.py's `suite_definitions.marionette_desktop`. Merged like `settings`.",
};

export function buildSchemas(terms: VocabularyTerms): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const defs = () => new Defs(terms.attributes);

  const layer = defs();
  out["job-layer"] = fileSchema(
    "job-layer",
    "jobdef job layer",
    `A partial job as one layer states it: any value may be keyed-by, lists may use ${operatorList(terms, "list")}, mappings ${operatorList(terms, "mapping")}, any field ${operatorList(terms, "any")}, and \`null\` deletes.`,
    jobProperties(layer, terms, { layer: true }),
    [],
    layer,
  );
  out.suite = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `${SCHEMA_BASE}suite.schema.json`,
    title: "jobdef suite",
    description: "One test suite. The file's name is the suite's name; adding a suite is adding this one file.",
    $ref: JOB_LAYER_REF,
    required: ["description", "treeherder"],
    oneOf: [
      { required: ["harness"], title: "a harness suite" },
      { required: ["generic"], title: "a generic suite" },
    ],
  };

  const harness = defs();
  out.harness = fileSchema(
    "harness",
    "jobdef harness",
    "One harness category (mochitest, reftest, ...): its runner and how mozharness unpacks and calls it. Values other than `description` and `job` may be keyed by platform, os or branch: they are resolved per platform.",
    {
      description: str("Description", "What the harness is."),
      "run-file": harness.keyed(
        "run-file",
        str(
          "Run file",
          "The runner in the tests package (`run_file_names`); absent for harnesses with a script of their own (marionette, web-platform-tests).",
        ),
      ),
      "tests-dir": harness.keyed(
        "tests-dir",
        str("Tests directory", "Directory of the harness inside the tests package (`suite_definitions.<h>.testsdir`)."),
      ),
      "zip-dirs": harness.keyed(
        "zip-dirs",
        list("Zip directories", "What to unpack from the tests zip for this harness (`specific_tests_zip_dirs`).", {
          type: "string",
        }),
      ),
      options: harness.keyed(
        "options",
        list(
          "Options",
          "Options every suite of the harness gets (`suite_definitions.<h>.options`). `%(name)s` passes through.",
          { type: "string" },
        ),
      ),
      "suite-arg": harness.keyed(
        "suite-arg",
        str("Suite argument", "The mozharness option that selects a suite; defaults to `--<harness>-suite`.", {
          pattern: "^--[a-z0-9-]+$",
        }),
      ),
      "mach-kwargs": list(
        "mach keyword arguments",
        "The keyword arguments the harness's mach commands accept: the `dest` names of their 2015 mach and harness argument parsers. A job's `mach.kwargs` key outside this list is an error (JD046); without the list a harness accepts none.",
        { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
        { uniqueItems: true },
      ),
      job: jobLayer("Harness job defaults", "Job values for every suite of this harness."),
    },
    ["description"],
    harness,
  );

  out.platform = fileSchema(
    "platform",
    "jobdef platform",
    "One test platform: its OS, build types, worker and mozharness settings.",
    {
      description: str("Description", "What the platform is."),
      os: {
        type: "string",
        enum: [...OS_FAMILIES],
        title: "OS",
        description: "The operating system family.",
      },
      "build-types": list(
        "Build types",
        "Build types tested on this platform, e.g. `[opt, debug]`.",
        { type: "string", pattern: NAME_PATTERN },
        { minItems: 1, uniqueItems: true },
      ),
      tags: list(
        "Tags",
        "Labels suites can select the platform by (`run-on.platform-tags`).",
        { type: "string", pattern: NAME_PATTERN },
        { uniqueItems: true },
      ),
      "build-platform": name(
        "Build platform",
        "The platform of the build task tested here; defaults to this platform's name.",
      ),
      treeherder: object(
        "Treeherder",
        "How Treeherder shows the platform.",
        {
          machine: str("Machine platform", "`extra.treeherder.machine.platform`, e.g. `linux64`."),
        },
        ["machine"],
      ),
      worker: workerSchema,
      buildbot: object("buildbot", "buildbot-configs settings of the platform.", {
        "slave-platform": str(
          "Slave platform",
          "Name of the test machines, e.g. `ubuntu64_vm`; workers are named after it.",
        ),
      }),
      mozharness: object("mozharness", "The platform's mozharness config.", {
        "config-files": list("Config files", "Mozharness configs loaded before the generated one (`--cfg`).", {
          type: "string",
        }),
        settings: { ...mozharnessSettings },
        "in-tree": { ...mozharnessInTree },
      }),
      job: jobLayer("Platform job defaults", "Job values for every job on this platform."),
    },
    ["description", "os", "build-types", "treeherder", "worker"],
    defs(),
  );

  out.branch = fileSchema(
    "branch",
    "jobdef branch",
    "One branch (repository): the platforms it runs, its scheduling settings and its job overrides.",
    {
      description: str("Description", "What the branch is for."),
      repository: str("Repository", "The repository URL, e.g. `https://hg.mozilla.org/mozilla-central`.", {
        pattern: "^https?://",
      }),
      project: name("Treeherder project", "Project name in Treeherder routes; defaults to the branch name."),
      level: {
        type: "integer",
        enum: [1, 2, 3],
        title: "SCM level",
        description: "Commit access level; scopes and caches are named after it.",
      },
      platforms: list(
        "Platforms",
        "Regular expressions fully matching the platforms this branch runs.",
        { type: "string" },
        { minItems: 1 },
      ),
      "build-types": list("Build types", "Restrict every platform to these build types.", {
        type: "string",
        pattern: NAME_PATTERN,
      }),
      "exclude-suites": list("Exclude suites", "Regular expressions of suite names this branch never runs.", {
        type: "string",
      }),
      priority: {
        type: "string",
        enum: ["highest", "very-high", "high", "medium", "low", "very-low", "lowest"],
        title: "Priority",
        description: "TaskCluster priority of the branch's tasks.",
      },
      "try-syntax": bool("Try syntax", "Jobs are chosen per push by try syntax in the commit message."),
      job: jobLayer("Branch job overrides", "Job values overriding every lower layer on this branch."),
    },
    ["description", "repository", "platforms"],
    defs(),
  );

  out.defaults = fileSchema(
    "defaults",
    "jobdef defaults",
    "Tree-wide settings and the job defaults every job starts from.",
    {
      tree: object("Tree", "Settings of the tree itself.", {
        "checked-in": object("Checked in", "What `jobdef compile` writes by default and `jobdef check` compares.", {
          branches: list("Branches", "Branches whose output is checked in.", { type: "string", pattern: NAME_PATTERN }),
          targets: list("Targets", "Targets written for them.", {
            type: "string",
            enum: [...terms.targets],
          }),
        }),
        "generated-dir": str(
          "Generated directory",
          "Where compiled output goes, relative to the root and inside it; `generated` by default.",
          { pattern: RELATIVE_PATH_PATTERN },
        ),
        owner: str("Owner", "Owner e-mail in task metadata.", { format: "email" }),
        "index-prefix": str("Index prefix", "Prefix of TaskCluster index routes, e.g. `gecko.v2`."),
        "treeherder-groups": {
          type: "object",
          title: "Treeherder group names",
          description: "Group symbol → group name, e.g. `M: Mochitests`.",
          additionalProperties: { type: "string" },
        },
        "build-label": str(
          "Build label",
          "Label of the build task a test depends on; `{platform}` and `{build-type}` are substituted.",
          { pattern: "\\{platform\\}" },
        ),
        deadline: str("Deadline", "Task deadline relative to creation, e.g. `1 day`.", {
          pattern: "^\\d+ (second|minute|hour|day|week|month|year)s?$",
        }),
        expires: str("Expires", "Artifact expiry relative to creation, e.g. `1 year`.", {
          pattern: "^\\d+ (second|minute|hour|day|week|month|year)s?$",
        }),
      }),
      mozharness: object("mozharness", "Settings in every platform's mozharness config.", {
        "minimum-tests-zip-dirs": list(
          "Minimum tests zip dirs",
          "Always unpacked from the tests zip (`minimum_tests_zip_dirs`).",
          { type: "string" },
        ),
        settings: { ...mozharnessSettings },
        "in-tree": { ...mozharnessInTree },
      }),
      job: jobLayer("Job defaults", "Values every job starts from."),
    },
    [],
    defs(),
  );

  const job = defs();
  out.job = {
    ...fileSchema(
      "job",
      "jobdef merged job",
      "A job after all layers are merged and keyed-by values resolved: what emitters read.",
      jobProperties(job, terms, { layer: false }),
      ["description", "treeherder", "chunks", "max-run-time", "retry"],
      job,
    ),
  };
  (out.job as Schema).oneOf = [
    { required: ["harness"], title: "a harness job" },
    { required: ["generic"], title: "a generic job" },
  ];
  // A harness job runs a mozharness script, and no code supplies one: `null` in a layer unsets it (JD035 at the null).
  (out.job as Schema).dependentSchemas = {
    harness: {
      required: ["mozharness"],
      properties: {
        mozharness: {
          title: "Mozharness",
          description: "A harness job runs a mozharness script.",
          required: ["script"],
        },
      },
    },
  };
  return out;
}

function operatorList(terms: VocabularyTerms, on: "list" | "mapping" | "any"): string {
  return terms.operators
    .filter((o) => o.on === on)
    .map((o) => `\`${o.name}\``)
    .join("/");
}
