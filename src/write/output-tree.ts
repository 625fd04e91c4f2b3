/**
 * The generated directory is not trusted: it is checked into the repository, so a try push can put anything there.
 * Before anything in it is read or written, every path jobdef would touch is inspected without following links: a
 * symbolic link anywhere on the way (a write or delete through it would land outside the output), a FIFO, socket or
 * device (reading it would block forever), or a directory where a file goes is refused, with the paths named.
 */
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { OutputDirError } from "./output-error.js";

/** Problems listed in one refusal (the rest counted). */
const SHOWN = 10;

/** Throws an OutputDirError naming every entry on the way to `paths` (relative to `dir`) that jobdef must not use. */
export function inspectOutputPaths(dir: string, paths: Iterable<string>, then = "nothing was written"): void {
  const problems = new Set<string>();
  const seenDirs = new Map<string, string | undefined>();
  for (const p of paths) {
    const problem = pathProblem(dir, p, seenDirs);
    if (problem) problems.add(problem);
  }
  if (problems.size) throw new OutputDirError(refusal(dir, [...problems], then));
}

function pathProblem(dir: string, p: string, seenDirs: Map<string, string | undefined>): string | undefined {
  const segs = p.split("/");
  for (let i = 1; i < segs.length; i++) {
    const rel = segs.slice(0, i).join("/");
    if (!seenDirs.has(rel)) seenDirs.set(rel, kindProblem(join(dir, rel), rel, "directory"));
    const problem = seenDirs.get(rel);
    if (problem) return problem;
  }
  return kindProblem(join(dir, p), p, "file");
}

/** What is wrong with the entry at `abs` for use as a `want` (nothing when it is one, or absent). */
function kindProblem(abs: string, rel: string, want: "file" | "directory"): string | undefined {
  let st: Stats | undefined;
  try {
    st = lstatSync(abs, { throwIfNoEntry: false });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOTDIR" ? undefined : `${rel}: ${code}`; // ENOTDIR: a file on the way, reported for it
  }
  if (!st) return undefined;
  if (st.isSymbolicLink()) return `${rel} is a symbolic link (jobdef never writes, reads or deletes through one)`;
  if (want === "directory") return st.isDirectory() || st.isFile() ? undefined : `${rel} is ${kindName(st)}`;
  if (st.isFile()) return undefined;
  return `${rel} is ${kindName(st)} where a generated file goes`;
}

function kindName(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  return "not a regular file";
}

function refusal(dir: string, problems: readonly string[], then: string): string {
  const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : "";
  return `${problems.slice(0, SHOWN).join("; ")}${more}: remove ${problems.length === 1 ? "it" : "them"} from ${dir}; ${then}`;
}

/**
 * The sha256 of a regular file, or undefined when it is absent; opened without following a link and without
 * blocking, so a link or FIFO that appeared since the inspection is refused, not followed or waited on.
 */
export function hashRegularFile(abs: string, rel: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new OutputDirError(`${rel} is a symbolic link: remove it (nothing was written)`);
    throw e;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new OutputDirError(`${rel} is not a regular file: remove it`);
    const hash = createHash("sha256");
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null))
      hash.update(buffer.subarray(0, n));
    return hash.digest("hex");
  } finally {
    closeSync(fd);
  }
}

/** Directories of the root that are input, never output. */
const INPUT_DIRS = ["configs", "schemas", ".git"];

/**
 * Why `dir` cannot be the generated directory of `root`, if it cannot: it is the root itself, or inside its input
 * (configs/, schemas/, .git/), where a compile would overwrite what it reads. Links are resolved on both sides.
 */
export function outputPlaceProblem(root: string, dir: string, fromTree: boolean): string | undefined {
  const realRoot = realPathOf(root);
  const realDir = realPathOf(dir);
  // the tree's own setting may not lead out of the tree through a link it holds (--out is the user's choice)
  if (fromTree && !realDir.startsWith(realRoot + sep))
    return `${dir} leads outside the tree (to ${realDir}) through a symbolic link`;
  if (realDir === realRoot) return `${dir} is the root of the tree; the output needs a directory of its own`;
  for (const input of INPUT_DIRS) {
    const base = join(realRoot, input);
    if (realDir === base || realDir.startsWith(base + sep))
      return `${dir} is inside ${input}/, which holds input; write the output elsewhere (the default is generated/)`;
  }
  return undefined;
}

/** The real path of `path`, or of its nearest existing ancestor with the rest appended. */
function realPathOf(path: string): string {
  const abs = resolve(path);
  for (let p = abs, rest = ""; ; ) {
    try {
      return join(realpathSync(p), rest);
    } catch {
      const parent = dirname(p);
      if (parent === p) return abs;
      rest = join(basename(p), rest);
      p = parent;
    }
  }
}
