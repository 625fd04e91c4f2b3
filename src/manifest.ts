/**
 * `generated/manifest.json`: every file `jobdef compile` wrote, with its sha256, and which branches and targets the
 * directory covers. It is what `check` compares and what the next compile uses to remove files nobody produces any
 * more. No timestamps: the manifest is as deterministic as the files it lists.
 */
import { createHash } from "node:crypto";
import type { OutputFile } from "./emit/output-file.js";
import { toJson } from "./emit/serialize.js";
import type { TargetName } from "./model.js";
import { byCodePoint, isMapping } from "./values.js";
import { digestFile } from "./write/file-comparison.js";
import { OutputDirError } from "./write/output-error.js";

export const MANIFEST_NAME = "manifest.json";
/** Never compile output: written by `npm run generate`, left alone by compile, check and diff. */
export const TYPES_DIR = "types";
/** Prefix of jobdef's own bookkeeping entries in the generated directory (lock, staging, commit journal). */
export const INTERNAL_PREFIX = ".jobdef-";

export interface Manifest {
  /** branch → targets written for it. */
  readonly covers: Readonly<Record<string, readonly TargetName[]>>;
  /** path (relative to the generated directory) → sha256 hex of its bytes. */
  readonly files: Readonly<Record<string, string>>;
  /**
   * What the whole directory was compiled from, recorded only by a compile with the tree's defaults (no `--branch`,
   * `--target` or `--set`): then the directory is exactly what that jobdef writes for those inputs, and `check` or a
   * compile finding the same inputs may skip compiling (src/up-to-date.ts).
   */
  readonly source?: ManifestSource;
}

export interface ManifestSource {
  /** jobdef's version (package.json). */
  readonly jobdef: string;
  /** configs/ path (relative to the root) → sha256 hex of its bytes: every file `load` reads. */
  readonly inputs: Readonly<Record<string, string>>;
}

export const EMPTY_MANIFEST: Manifest = { covers: {}, files: {} };

/** The branches and targets a compile writes (whether it replaces the whole output is `partial`'s say). */
export interface Slice {
  readonly branches: readonly string[];
  readonly targets: readonly TargetName[];
}

/** sha256 hex of a file's bytes (strings are UTF-8). */
export function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** The manifest text: sorted keys, banner first, trailing newline. */
export function serializeManifest(m: Manifest): string {
  const covers = Object.fromEntries(Object.entries(m.covers).map(([b, ts]) => [b, [...ts].sort(byCodePoint)]));
  const source = m.source && { jobdef: m.source.jobdef, inputs: { ...m.source.inputs } };
  return toJson(source ? { covers, files: { ...m.files }, source } : { covers, files: { ...m.files } });
}

/** Parses a manifest; throws an OutputDirError naming the problem when the text is not one. */
export function parseManifest(text: string): Manifest {
  let data: Partial<Manifest>;
  try {
    data = JSON.parse(text) as Partial<Manifest>;
  } catch (e) {
    throw new OutputDirError(
      `not JSON (${(e as Error).message}); after a merge conflict, delete it and run jobdef compile`,
    );
  }
  if (!isMapping(data) || !isMapping(data.covers) || !isMapping(data.files))
    throw new OutputDirError("not a jobdef manifest (expected {covers, files})");
  for (const [p, h] of Object.entries(data.files as object)) {
    if (typeof h !== "string" || !/^[0-9a-f]{64}$/.test(h) || !isSafePath(p))
      throw new OutputDirError(`bad manifest entry ${JSON.stringify(p)}`);
  }
  const source = sourceOf(data.source);
  return {
    covers: data.covers as Manifest["covers"],
    files: data.files as Manifest["files"],
    ...(source && { source }),
  };
}

/** A manifest's `source`, or undefined when absent or not well-formed (it is only ever a hint to skip work). */
function sourceOf(data: unknown): ManifestSource | undefined {
  if (!isMapping(data) || typeof data.jobdef !== "string" || !isMapping(data.inputs)) return undefined;
  const inputs = data.inputs as Record<string, unknown>;
  if (!Object.values(inputs).every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h))) return undefined;
  return { jobdef: data.jobdef, inputs: inputs as ManifestSource["inputs"] };
}

/** A relative path that stays inside the generated directory and is not one of jobdef's own entries. */
export function isSafePath(p: string): boolean {
  const segs = p.split("/");
  return (
    p.length > 0 &&
    !p.startsWith("/") &&
    !p.includes("\\") &&
    !p.includes("\0") &&
    segs.every((s) => s !== "" && s !== "." && s !== "..") &&
    segs[0] !== TYPES_DIR &&
    p !== MANIFEST_NAME &&
    !segs[0].startsWith(INTERNAL_PREFIX)
  );
}

/**
 * Which target and branch a file belongs to, from the layout of SPEC §3: `<target>/<branch>/...` or
 * `<target>/<branch>.<ext>`. `branch` is undefined for a file a target shares between branches.
 */
export function ownerOf(path: string, branchNames: Iterable<string>): { target: string; branch?: string } {
  const [target, second = ""] = path.split("/");
  let branch: string | undefined;
  for (const b of branchNames) {
    if ((second === b || second.startsWith(`${b}.`)) && (!branch || b.length > branch.length)) branch = b;
  }
  return { target, branch };
}

function inSlice(path: string, slice: Slice, names: Iterable<string>): boolean {
  const { target, branch } = ownerOf(path, names);
  return (
    (slice.targets as readonly string[]).includes(target) && branch !== undefined && slice.branches.includes(branch)
  );
}

/**
 * The manifest after writing `files`, compiled for `compiled`, over `old`; and the old files to remove. A full
 * compile (`partial` false) replaces the whole output; a partial one (`--branch`/`--target`) replaces only its slice,
 * removing just the files the old manifest listed inside that slice that nothing produces now. `hashes` are the
 * files' sha256 when the caller has them already.
 */
export function nextManifest(
  old: Manifest,
  files: readonly OutputFile[],
  compiled: Slice,
  partial: boolean,
  branchNames: Iterable<string> = [],
  hashes?: ReadonlyMap<string, string>,
  source?: ManifestSource,
): { manifest: Manifest; remove: string[] } {
  const names = new Set([...branchNames, ...Object.keys(old.covers), ...compiled.branches]);
  const produced = new Map(files.map((f) => [f.path, hashes?.get(f.path) ?? digestFile(f).hash]));
  const keep = (p: string) => produced.has(p) || (partial && !inSlice(p, compiled, names));
  const remove = Object.keys(old.files)
    .filter((p) => !keep(p))
    .sort(byCodePoint);
  const entries = Object.entries(old.files).filter(([p]) => keep(p) && !produced.has(p));
  entries.push(...produced);
  entries.sort(([a], [b]) => byCodePoint(a, b));
  const covers: Record<string, TargetName[]> = {};
  if (partial) for (const [b, ts] of Object.entries(old.covers)) covers[b] = [...ts];
  for (const b of compiled.branches) covers[b] = [...(covers[b] ?? []), ...compiled.targets];
  for (const b of Object.keys(covers)) covers[b] = [...new Set(covers[b])].sort(byCodePoint);
  // A partial compile leaves files compiled from other inputs, so only a whole one may say what it was compiled from.
  const from = partial ? undefined : source;
  return { manifest: { covers, files: Object.fromEntries(entries), ...(from && { source: from }) }, remove };
}

/** The manifest of a whole compile: `covers` is every compiled branch × every compiled target. */
export function manifestOf(
  files: readonly OutputFile[],
  compiled: Slice,
  hashes?: ReadonlyMap<string, string>,
  source?: ManifestSource,
): Manifest {
  return nextManifest(EMPTY_MANIFEST, files, compiled, false, [], hashes, source).manifest;
}
