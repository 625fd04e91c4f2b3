/**
 * `generated/manifest.json`: every file `jobdef compile` wrote, with its sha256, and which branches and targets the
 * directory covers. It is what `check` compares and what the next compile uses to remove files nobody produces any
 * more. No timestamps: the manifest is as deterministic as the files it lists.
 */
import { createHash } from "node:crypto";
import type { TargetName } from "./model.js";
import { isMapping } from "./values.js";
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
