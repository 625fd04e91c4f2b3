/**
 * The TaskCluster target: per branch, `taskcluster/<branch>.json` maps each label to `{label, attributes,
 * dependencies, task}`. `task` is a queue task definition with placeholders for everything decided at push time
 * (times, the build's task id, the revision): see `taskcluster-refs.ts`; `materialize()` resolves them. The file's
 * first key is the `$generated` banner: consumers skip keys starting with `$`.
 */
import { asChunk, type BranchJobs, type Job, sameSuite } from "../expand.js";
import { type Branch, buildLabelOf, buildPlatformOf, type Platform, type Tree } from "../model.js";
import { runsOn } from "../schedulers.js";
import { definedEntries, setOwn, sortedUnion } from "../values.js";
import {
  type MozharnessInvocation,
  mozharnessChunkArgs,
  mozharnessInvocation,
  testSuiteDefinitionName,
  usesTestSuiteDefinitions,
} from "./mozharness-args.js";
import { type ByteWriter, streamedFile } from "./output-file.js";
import { canonical, ENTRY_SEPARATOR, type EntryParts, entryParts, writeJsonEntries, writeParts } from "./serialize.js";
import {
  type Arg,
  genericChunkEnv,
  MOZHARNESS_DIR,
  type MozharnessCommandParts,
  mozharnessCommandParts,
} from "./taskcluster-command.js";
import {
  type ArtifactSpec,
  CommandLines,
  type Payload,
  type PayloadInput,
  type WorkerKind,
  workerCommand,
  workerPayload,
} from "./taskcluster-payload.js";
import {
  escapeParameterReference as esc,
  type ParameterReference,
  parameterReference,
  relativeDatestamp,
  type Str,
} from "./taskcluster-refs.js";
import type { EmitInput, OutputFile, UnitPieces } from "./types.js";

export interface GraphEntry {
  readonly label: string;
  readonly attributes: Record<string, string | number | boolean>;
  /** Dependency name → label; `<name>` in task references is that task's id. */
  readonly dependencies: Record<string, string>;
  readonly task: Record<string, unknown>;
}

/** Emits the branch's task graph, streamed: a large graph never has all its task definitions alive at once. */
export function emitTaskcluster({ tree, branch, reference, pieces }: EmitInput): OutputFile[] {
  const entries = branch.jobs.filter((j) => runsOn(j, "taskcluster")).map((job): [string, Job] => [job.label, job]);
  const path = `taskcluster/${branch.branch.name}.json`;
  return [
    streamedFile(
      path,
      (out) => {
        const graph = { tree, branch, lines: new CommandLines() };
        if (reference) return writeJsonEntries(out, entries, referenceRenderer(graph));
        const cached = pieces?.of(path, tree, branch.branch);
        writeJsonEntries(out, entries, cached ? piecesRenderer(cached, entryRenderer(graph)) : entryRenderer(graph));
      },
      true,
    ),
  ];
}

type Renderer = (label: string, job: Job, out: ByteWriter) => void;

/**
 * Copies an entry's bytes from the last output where its unit's key is unchanged (src/cache/graph-pieces.ts), else
 * renders it; notes where each entry lands in the new file.
 */
function piecesRenderer({ file, keyOf }: UnitPieces, render: Renderer): Renderer {
  file.restart();
  return (label, job, out) => {
    const key = keyOf(job);
    const start = out.position;
    if (!file.copy(label, key, out, ENTRY_SEPARATOR)) render(label, job, out);
    file.note(label, key, start, out.position - start);
  };
}

/** What rendering one branch's graph shares: the tree, the branch's jobs, and its Windows command lines. */
interface GraphContext {
  readonly tree: Tree;
  readonly branch: BranchJobs;
  readonly lines: CommandLines;
}

/** Renders each job's entry from scratch, its suite's task included: what the chunk templates must equal. */
function referenceRenderer(graph: GraphContext): (label: string, job: Job, out: ByteWriter) => void {
  return (label, job, out) => writeParts(out, entryParts(label, graphEntry(graph.tree, suiteTask(graph, job), job)));
}

/** The branch's task graph as values, label → entry: what its file holds, without the banner. */
export function taskGraph(tree: Tree, branch: BranchJobs): Record<string, GraphEntry> {
  const make = entryMaker({ tree, branch, lines: new CommandLines() });
  const graph: Record<string, GraphEntry> = {};
  for (const job of branch.jobs) if (runsOn(job, "taskcluster")) setOwn(graph, job.label, make(job));
  return graph;
}

/**
 * Builds graph entries one job at a time. Jobs come suite by suite (in expansion order, or sorted by label, which
 * keeps a suite's chunks together), so the suite's shared part is kept for its next chunk; where they do not, it is
 * simply built again.
 */
function entryMaker(graph: GraphContext): (job: Job) => GraphEntry {
  let suite: SuiteTask | undefined;
  return (job) => {
    if (!suite || !sameSuite(suite.job, job)) suite = suiteTask(graph, job);
    return graphEntry(graph.tree, suite, job);
  };
}

/**
 * Writes graph entries' text, as `entryParts(label, make(job))`. The chunks of a suite differ only where their
 * number is written (label, symbol, routes, description, chunk arguments: all decimal), so a suite of several chunks is
 * rendered as a probe chunk, whose text split at the probe's number is the suite's template, and as its first chunk,
 * which proves the template: the probe's digits anywhere else (in a description, say), or a chunk number written in
 * any other form, would not match the real chunk's text, and the suite is then rendered chunk by chunk.
 */
function entryRenderer(graph: GraphContext): (label: string, job: Job, out: ByteWriter) => void {
  const make = entryMaker(graph);
  let templateOf: Job | undefined;
  let template: ChunkTemplate | undefined;
  return (label, job, out) => {
    const templated = job.chunks >= TEMPLATE_MIN_CHUNKS;
    if (templated && !(templateOf && sameSuite(templateOf, job))) {
      templateOf = job;
      const parts = entryParts(label, make(job));
      template = label === job.label ? chunkTemplate(make, job, parts) : undefined;
      writeParts(out, parts);
    } else if (templated && template) {
      const number = String(job.chunk);
      out.writeBytes(template[0]);
      for (let i = 1; i < template.length; i++) {
        out.writeAscii(number);
        out.writeBytes(template[i]);
      }
    } else writeParts(out, entryParts(label, make(job)));
  };
}

/** A suite's entry in UTF-8, in the pieces between the places its chunk number is written (views of one buffer). */
type ChunkTemplate = readonly Buffer[];

/** Below this, probing costs more than rendering each chunk. */
const TEMPLATE_MIN_CHUNKS = 3;
/**
 * The probe chunk number: unlikely in any text, above any chunk count, and below 2^30, so V8 stores it as it stores
 * every other chunk number (a larger one changes the field's representation in every job object, and rendering
 * slows by ~15%).
 */
export const CHUNK_PROBE = 1_073_741_789;

const PROBE_DIGITS = String(CHUNK_PROBE);

/**
 * `job`'s suite as chunk `CHUNK_PROBE`, cut where the number is written (ASCII digits are whole bytes in UTF-8);
 * undefined when filling it with `job`'s own number does not give `real`, `job`'s real entry.
 */
function chunkTemplate(make: (job: Job) => GraphEntry, job: Job, real: EntryParts): ChunkTemplate | undefined {
  const probeJob = asChunk(job, CHUNK_PROBE);
  const [key, value] = entryParts(probeJob.label, make(probeJob));
  const number = String(job.chunk);
  if (key.replaceAll(PROBE_DIGITS, number) !== real[0] || value.replaceAll(PROBE_DIGITS, number) !== real[1])
    return undefined;
  const keyBytes = Buffer.byteLength(key, "utf8");
  const bytes = Buffer.allocUnsafe(keyBytes + Buffer.byteLength(value, "utf8"));
  bytes.write(key, 0, "utf8");
  bytes.write(value, keyBytes, "utf8");
  const pieces: Buffer[] = [];
  let from = 0;
  for (let at = bytes.indexOf(PROBE_DIGITS); at >= 0; at = bytes.indexOf(PROBE_DIGITS, from)) {
    pieces.push(bytes.subarray(from, at));
    from = at + PROBE_DIGITS.length;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

/** Index namespaces split on dots, so dots inside a name become underscores. */
function indexSegment(name: string): string {
  return name.replaceAll(".", "_");
}

/**
 * What the tasks of one suite's chunks share (chunks share their merged `spec`): everything but the chunk's
 * label, symbol, routes and command (and, for a generic job, its chunk variables).
 */
interface SuiteTask {
  /** The chunk it was built for (chunks of one suite share `spec`). */
  readonly job: Job;
  readonly branch: Branch;
  readonly platform: Platform;
  readonly project: string;
  readonly level: number;
  readonly kind: WorkerKind;
  readonly workerType: string;
  readonly source: ParameterReference;
  readonly input: PayloadInput;
  /** The first chunk's payload and scopes; other chunks replace its `command` (and `env`). */
  readonly payload: Payload;
  /** A harness job's mozharness command around its chunk arguments. */
  readonly command: MozharnessCommandParts | undefined;
  readonly buildLabel: string;
}

/** What a suite's payload input is built from, besides its job. */
interface SuiteParts {
  readonly branch: Branch;
  readonly platform: Platform;
  readonly level: number;
  readonly invocation: MozharnessInvocation | undefined;
  readonly command: MozharnessCommandParts | undefined;
  /** `<provisioner>/<worker type>`. */
  readonly taskQueueId: string;
  readonly lines: CommandLines;
}

function suiteTask({ tree, branch: branchJobs, lines }: GraphContext, job: Job): SuiteTask {
  const platform = tree.platforms.get(job.platform)!;
  const branch = branchJobs.branch;
  const level = branch.spec.level ?? 1;
  const worker = platform.spec.worker;
  const workerType = job.spec.taskcluster?.["worker-type"] ?? worker["worker-type"];
  const kind: WorkerKind =
    worker.implementation === "docker-worker"
      ? "docker-worker"
      : platform.spec.os === "windows"
        ? "generic-worker-windows"
        : "generic-worker-posix";
  const invocation = job.harness ? mozharnessInvocation(tree, job) : undefined;
  const command =
    invocation && mozharnessCommandParts(invocation, platform.spec.os, usesTestSuiteDefinitions(job) && job.chunks > 1);
  const taskQueueId = `${worker.provisioner}/${workerType}`;
  const input = payloadInput(tree, job, { branch, platform, level, invocation, command, taskQueueId, lines });
  const suiteFile = tree.suites.get(job.suite)!.file.path;
  return {
    job,
    branch,
    platform,
    project: branch.spec.project ?? branch.name,
    level,
    kind,
    workerType,
    source: parameterReference(`${esc(branch.spec.repository)}/file/{revision}/${esc(suiteFile)}`),
    input,
    payload: workerPayload(input, kind),
    command,
    buildLabel: buildLabelOf(tree, platform, job.buildType),
  };
}

/** The payload of one chunk: the suite's, with the chunk's command (and a generic chunk's variables). */
function chunkPayload(suite: SuiteTask, job: Job): Record<string, unknown> {
  const { input, kind, command } = suite;
  const payload = { ...suite.payload.payload };
  if (command) payload.command = workerCommand(kind, harnessCommand(command, job), input.cwd, input.lines);
  else if (job.chunks > 1) payload.env = canonical({ ...input.env, ...genericChunkEnv(job) });
  return payload;
}

/** A harness chunk's command: the suite's, with the chunk's arguments in their place. */
function harnessCommand(command: MozharnessCommandParts, job: Job): Arg[] {
  const before = [...command.beforeChunk];
  if (command.chunkedSuiteNameAt !== undefined) before[command.chunkedSuiteNameAt] = testSuiteDefinitionName(job);
  return [...before, ...mozharnessChunkArgs(job), ...command.afterChunk];
}

function graphEntry(tree: Tree, suite: SuiteTask, job: Job): GraphEntry {
  const { branch, platform, project } = suite;
  const chunkSuffix = job.chunks > 1 ? `-${job.chunk}` : "";

  // 1. where the results go: Treeherder and the index
  const routes = [
    parameterReference(`tc-treeherder.v2.${esc(project)}.{revision}.{pushlog_id}`),
    parameterReference(
      `index.${esc(tree.settings.indexPrefix)}.${esc(project)}.revision.{revision}.test.${esc(indexSegment(job.platform))}-${esc(job.buildType)}.${esc(indexSegment(job.suite))}${chunkSuffix}`,
    ),
  ];
  // 2. the queue's task definition, keys in code-point order here and below (the serializer does not sort)
  const worker = platform.spec.worker;
  const task: Record<string, unknown> = {
    created: relativeDatestamp("0 seconds"),
    deadline: relativeDatestamp(tree.settings.deadline),
    expires: relativeDatestamp(tree.settings.expires),
    extra: {
      chunks: { current: job.chunk, total: job.chunks },
      treeherder: treeherderConfig(job, platform),
      treeherderEnv: ["production", "staging"],
    },
    metadata: {
      description: `${job.spec.description} (${job.platform}/${job.buildType}${job.chunks > 1 ? `, chunk ${job.chunk} of ${job.chunks}` : ""}, ${branch.name})`,
      name: job.label,
      owner: tree.settings.owner,
      source: suite.source,
    },
    payload: chunkPayload(suite, job),
  };
  const priority = job.spec.taskcluster?.priority ?? branch.spec.priority;
  if (priority) task.priority = priority;
  task.provisionerId = worker.provisioner;
  task.retries = job.spec.retry.retries;
  task.routes = routes;
  task.schedulerId = `gecko-level-${suite.level}`;
  task.scopes = [
    ...routes.map((r) => parameterReference(`queue:route:${r["parameter-reference"]}`)),
    ...suite.payload.scopes,
  ];
  task.tags = { kind: "test", label: job.label, os: platform.spec.os, "worker-implementation": worker.implementation };
  task.workerType = suite.workerType;
  // keys set in code-point order, without conditional spreads (a slow path, taken for every task)
  const attributes: GraphEntry["attributes"] = {
    branch: branch.name,
    build_platform: buildPlatformOf(platform),
    build_type: job.buildType,
    chunk: job.chunk,
  };
  if (job.harness) attributes.harness = job.harness;
  else attributes.generic = true;
  attributes.kind = "test";
  attributes.platform = job.platform;
  attributes.suite = job.suite;
  attributes.total_chunks = job.chunks;
  return { attributes, dependencies: { build: suite.buildLabel }, label: job.label, task };
}

function treeherderConfig(job: Job, platform: Platform): Record<string, unknown> {
  const th = job.treeherder;
  const config: Record<string, unknown> = { collection: { [job.buildType]: true } };
  if (th.groupName) config.groupName = th.groupName;
  if (th.group) config.groupSymbol = th.group;
  config.jobKind = "test";
  config.labels = [job.buildType];
  config.machine = { platform: platform.spec.treeherder.machine };
  config.symbol = th.symbol;
  config.tier = th.tier;
  return config;
}

/** The payload input of a suite (built from its first chunk, `job`; `chunkPayload` fills in each chunk's part). */
function payloadInput(tree: Tree, job: Job, parts: SuiteParts): PayloadInput {
  const { invocation, command, platform } = parts;
  const generic = job.spec.generic;
  // the variables set here, over the job's (`env` below)
  const own: Record<string, Str> = {};
  let argv: readonly Arg[];
  let cwd = "";
  let artifacts: ArtifactSpec[];
  if (generic) {
    definedEntries<Str>(generic.env, own);
    argv = generic.command;
    cwd = generic.cwd ?? "";
    artifacts = (generic.artifacts ?? []).map((a) => ({
      name: a.name,
      path: `${generic.cwd ?? "."}/${a.path}`,
      type: a.type,
    }));
  } else {
    const inv = invocation!;
    own.MOZHARNESS_SCRIPT = `${MOZHARNESS_DIR}/${inv.script}`;
    own.MOZHARNESS_CONFIG = inv.configFiles.join(" ");
    argv = harnessCommand(command!, job);
    artifacts = [{ name: "public/logs", path: "build/upload/logs", type: "directory" }];
    if (job.spec.mozharness?.["blob-upload"])
      artifacts.push({ name: "public/test_info", path: "build/blobber_upload_dir", type: "directory" });
  }
  // after the job's variables: the checkout's own cannot be overridden by accident
  const repo = parts.branch.spec.repository;
  own.GECKO_BASE_REPOSITORY = repo;
  own.GECKO_HEAD_REPOSITORY = repo;
  own.GECKO_HEAD_REV = parameterReference("{revision}");
  own.MOZ_AUTOMATION = "1";
  // in key order with one copy: the job's variables are sorted once for all the jobs sharing them (a suite's `env`
  // of 100,000 keys was copied and sorted twice per task)
  const env = sortedUnion(canonical(definedEntries<Str>(job.spec.env)) as Record<string, Str>, own);
  // one literal (no spreads): one object shape for every suite
  return {
    command: argv,
    cwd,
    env,
    artifacts,
    maxRunTime: job.spec["max-run-time"],
    retryExitStatus: job.spec.retry["on-exit-status"] ?? [],
    features: definedEntries(job.spec.taskcluster?.features),
    loopbackVideo: job.spec.taskcluster?.["loopback-video"] ?? false,
    linux: platform.spec.os === "linux" || platform.spec.os === "android",
    image: platform.spec.worker.image,
    level: parts.level,
    taskQueueId: parts.taskQueueId,
    lines: parts.lines,
    runTaskUrl: parameterReference(`${esc(repo)}/raw-file/{revision}/taskcluster/scripts/run-task`),
    expires: tree.settings.expires,
  };
}
