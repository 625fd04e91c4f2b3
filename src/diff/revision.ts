/**
 * A side of `jobdef diff`: a config root on disk, or a git revision read into a temporary directory with
 * `git ls-tree` + `git cat-file --batch` (never touching the user's working tree or index).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { error, fail, ok, type Result } from "../diagnostics.js";

export interface Side {
  /** The root holding `configs/`. */
  readonly root: string;
  /** What the user named, for the report. */
  readonly label: string;
  /** Read from git (a temporary checkout), not a directory of the user's. */
  readonly revision: boolean;
  readonly cleanup: () => void;
}

function git(cwd: string, args: string[], input?: Buffer): Buffer | undefined {
  try {
    return execFileSync("git", args, {
      cwd,
      input,
      maxBuffer: 1 << 30,
      stdio: ["pipe", "pipe", "ignore"],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
    });
  } catch {
    return undefined;
  }
}

/** `spec` as a config root: an existing directory, else a git revision of the repository holding `root`. */
export function openSide(spec: string | undefined, root: string): Result<Side> {
  if (spec === undefined) return ok({ root, label: "working tree", revision: false, cleanup: () => {} });
  const asDir = resolve(spec);
  if (existsSync(asDir) && statSync(asDir).isDirectory())
    return ok({ root: asDir, label: spec, revision: false, cleanup: () => {} });
  const top = git(root, ["rev-parse", "--show-toplevel"])?.toString().trim();
  if (!top)
    return fail([
      error(
        "JD062",
        `"${spec}" is not a directory, and ${root} is not inside a git repository to read a revision from`,
      ),
    ]);
  const commit = spec.startsWith("-")
    ? undefined
    : git(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${spec}^{commit}`])
        ?.toString()
        .trim();
  if (!commit)
    return fail([error("JD062", `"${spec}" is neither a directory nor a revision of the git repository at ${top}`)]);
  const prefix = git(root, ["rev-parse", "--show-prefix"])?.toString().trim() ?? "";
  const tmp = mkdtempSync(join(tmpdir(), "jobdef-diff-"));
  const cleanup = () => rmSync(tmp, { recursive: true, force: true });
  try {
    const count = extractConfigs(top, commit, `${prefix}configs`, prefix, tmp);
    if (!count) {
      cleanup();
      return fail([error("JD062", `revision ${spec} has no ${prefix}configs/ directory`)]);
    }
  } catch (e) {
    cleanup();
    throw e;
  }
  return ok({ root: tmp, label: spec, revision: true, cleanup });
}

/** Writes every blob under `dir` at `commit` into `out`, paths made relative to `prefix`; returns how many. */
function extractConfigs(top: string, commit: string, dir: string, prefix: string, out: string): number {
  const listing = git(top, ["ls-tree", "-r", "-z", "--full-tree", commit, "--", dir]);
  if (!listing) throw new Error(`git ls-tree ${commit} failed`);
  const entries = listing
    .toString("utf8")
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = [line.slice(0, line.indexOf("\t")), line.slice(line.indexOf("\t") + 1)];
      const [mode, type, sha] = meta.split(" ");
      return { mode, type, sha, path: path.slice(prefix.length) };
    })
    .filter((e) => e.type === "blob");
  if (!entries.length) return 0;
  const blobs = git(top, ["cat-file", "--batch"], Buffer.from(entries.map((e) => `${e.sha}\n`).join("")));
  if (!blobs) throw new Error(`git cat-file ${commit} failed`);
  let at = 0;
  for (const e of entries) {
    const nl = blobs.indexOf(0x0a, at);
    const size = Number(blobs.subarray(at, nl).toString().split(" ")[2]);
    const content = blobs.subarray(nl + 1, nl + 1 + size);
    at = nl + 1 + size + 1;
    const target = join(out, e.path);
    mkdirSync(dirname(target), { recursive: true });
    if (e.mode === "120000") symlinkSync(content.toString(), target);
    else writeFileSync(target, content);
  }
  return entries.length;
}
