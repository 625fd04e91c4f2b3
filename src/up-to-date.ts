/**
 * Proving a generated directory up to date without compiling: its manifest says what it was compiled from (jobdef's
 * version and the hash of every input file, `ManifestSource`), the inputs on disk hash the same, and every output
 * file on disk hashes as the manifest lists, with no file missing or extra. A file whose stat is the one this
 * machine's cache recorded (of the inputs, of the output) is not read: its hash is the recorded one. Anything unusual
 * is "not proven" with a reason, and the caller compiles.
 */
import { createHash } from "node:crypto";
import { type BigIntStats, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputRecord } from "./cache/input-record.js";
import { hashOnDisk, type OutputRecord, readOutputRecord, writeOutputRecord } from "./cache/output-record.js";
import { readRecord, writeRecord } from "./cache/store.js";
import { DEFAULTS_FILE } from "./config-dirs.js";
import { hashInputs, sameInputs } from "./inputs.js";
import { listFiles } from "./list-output.js";
import { INTERNAL_PREFIX, MANIFEST_NAME, type Manifest, parseManifest, sha256 } from "./manifest.js";
import { codeIdentity, JOBDEF_VERSION } from "./version.js";
import { inspectOutputPaths } from "./write/output-tree.js";

export type Proof =
  | { readonly proven: true; readonly dir: string; readonly manifest: Manifest; readonly files: number }
  | { readonly proven: false; readonly reason: string };

export interface ProofOptions {
  /** The cache directory; undefined (--no-cache): nothing is proven. */
  readonly cacheDir: string | undefined;
  /** The generated directory (--out); the tree's `generated-dir` when absent. */
  readonly out?: string;
  /**
   * Whether jobdef's version alone may vouch for the code when this machine has no record of the directory (a fresh
   * clone). `check` allows it, so CI's check is quick; a compile does not, so a developer's first compile after
   * changing jobdef itself is never skipped.
   */
  readonly trustVersionAlone: boolean;
}

/** Whether the output directory is what a default compile of `root` writes, shown from hashes. */
export async function proveUpToDate(root: string, options: ProofOptions): Promise<{ proof: Proof; notes: string[] }> {
  const { cacheDir } = options;
  const notes: string[] = [];
  const no = (reason: string) => ({ proof: { proven: false as const, reason }, notes });
  if (cacheDir === undefined) return no("--no-cache");
  const known = new InputRecord(cacheDir, root);
  const inputs = hashInputs(root, known);
  notes.push(...known.notes);
  if (!inputs) return no("the inputs include links or unreadable entries");
  const dir = options.out ?? (await outputDirOf(root, inputs, cacheDir));
  if (dir === undefined) return no("configs/defaults.yml does not say where the output is");
  const traces = compileTraces(dir);
  if (traces.length > 0) return no(`${traces.join(", ")} in the output: a compile is running or was interrupted`);
  let bytes: Buffer;
  let manifest: Manifest;
  try {
    inspectOutputPaths(dir, [MANIFEST_NAME]);
    bytes = readFileSync(join(dir, MANIFEST_NAME));
    manifest = parseManifest(bytes.toString("utf8"));
  } catch {
    return no("no readable manifest");
  }
  const source = manifest.source;
  if (!source) return no("the manifest does not record its inputs");
  if (source.jobdef !== JOBDEF_VERSION) return no(`the output is of jobdef ${source.jobdef}`);
  if (!sameInputs(inputs, source.inputs)) return no("the inputs changed");
  const read = readOutputRecord(cacheDir, dir);
  if (!read.found && read.note) notes.push(read.note);
  const record: OutputRecord | undefined = read.found ? read.value : undefined;
  // a development checkout changes its output without changing its version: what this machine saw decides
  if (record ? record.code !== codeIdentity() : !options.trustVersionAlone)
    return no(record ? "jobdef's code changed since the last compile" : "no record of the last compile");
  const onDisk = listFiles(dir).filter((p) => p !== MANIFEST_NAME);
  const listed = Object.keys(manifest.files);
  if (onDisk.length !== listed.length || !onDisk.every((p) => p in manifest.files))
    return no("files were added or removed");
  try {
    inspectOutputPaths(dir, listed);
  } catch {
    return no("the output holds a link or a file that is not regular");
  }
  let readAny = false;
  const seen = new Map<string, BigIntStats>();
  for (const path of listed) {
    let known: ReturnType<typeof hashOnDisk>;
    try {
      known = hashOnDisk(join(dir, path), record?.files[path]);
    } catch {
      return no(`${path} is unreadable`);
    }
    readAny ||= known.read;
    seen.set(path, known.stat);
    if (known.hash !== manifest.files[path]) return no(`${path} changed`);
  }
  const manifestHash = sha256(bytes);
  if (readAny || record?.manifest !== manifestHash)
    writeOutputRecord(cacheDir, dir, codeIdentity(), manifestHash, manifest.files, seen);
  // only a proven run writes to the cache: a run that compiles instead leaves it as a failed compile would
  known.save();
  return { proof: { proven: true, dir, manifest, files: listed.length + 1 }, notes };
}

/**
 * jobdef's own entries in the output (a lock, a stage, a commit journal, a damaged journal set aside): a compile is
 * running, or one died and left them. Only a compile, under the lock, may finish or clean them; none of them is a
 * state the hashes can vouch for.
 */
function compileTraces(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.startsWith(INTERNAL_PREFIX));
  } catch {
    return [];
  }
}

/**
 * After a whole compile or a full check: remember what `dir` now holds and where the tree's output goes, so the next
 * run can prove it without reading the files or parsing configs/defaults.yml.
 */
export function rememberOutput(
  cacheDir: string | undefined,
  root: string,
  generatedDir: string,
  dir: string,
  manifestText: string,
  manifest: Manifest,
  /** The files were just written by this compile, which still holds the output's lock. */
  written = false,
): void {
  if (cacheDir === undefined) return;
  writeOutputRecord(cacheDir, dir, codeIdentity(), sha256(manifestText), manifest.files, new Map(), written);
  const defaults = manifest.source?.inputs[DEFAULTS_FILE];
  if (defaults)
    writeRecord(cacheDir, treeRecordName(root), { kind: "tree", root: resolve(root), defaults, generatedDir });
}

interface TreeRecord {
  readonly kind: "tree";
  readonly root: string;
  /** sha256 of configs/defaults.yml, which says where the output goes. */
  readonly defaults: string;
  readonly generatedDir: string;
}

function isTreeRecord(v: unknown): v is TreeRecord {
  const r = v as TreeRecord;
  return typeof r === "object" && r !== null && r.kind === "tree" && typeof r.generatedDir === "string";
}

function treeRecordName(root: string): string {
  return `tree-${createHash("sha256").update(resolve(root)).digest("hex").slice(0, 16)}.json`;
}

/**
 * Where a default compile of `root` writes: `tree.generated-dir` of configs/defaults.yml, from the cache record when
 * that file is unchanged, else read without validating (a manifest there that records these very inputs proves they
 * compiled); undefined when it cannot be read.
 */
async function outputDirOf(
  root: string,
  inputs: Record<string, string>,
  cacheDir: string,
): Promise<string | undefined> {
  const read = readRecord(cacheDir, treeRecordName(root), isTreeRecord);
  if (read.found && read.value.root === resolve(root) && read.value.defaults === inputs[DEFAULTS_FILE])
    return join(root, read.value.generatedDir);
  try {
    const { parse } = await import("yaml");
    const defaults = parse(readFileSync(join(root, DEFAULTS_FILE), "utf8")) as { tree?: { "generated-dir"?: unknown } };
    const dir = defaults?.tree?.["generated-dir"] ?? "generated";
    return typeof dir === "string" ? join(root, dir) : undefined;
  } catch {
    return undefined;
  }
}
