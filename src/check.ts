/** `jobdef check`: compares the generated directory on disk with what compile would write. Reads only. */
import { join } from "node:path";
import { formatPatch, structuredPatch } from "diff";
import { type OutputFile, textFile } from "./emit/output-file.js";
import { listFiles } from "./list-output.js";
import { MANIFEST_NAME, type ManifestSource, type Slice } from "./manifest.js";
import { manifestOf, serializeManifest } from "./next-manifest.js";
import { byCodePoint } from "./values.js";
import { digestFile } from "./write/file-comparison.js";
import { inspectOutputPaths } from "./write/output-tree.js";

export { listFiles };

export interface CheckResult {
  /** On disk with other content than compile would write. */
  readonly stale: readonly string[];
  /** Compile would write them; not on disk. */
  readonly missing: readonly string[];
  /** On disk under the generated directory, written by nothing (`types/` and jobdef's `.jobdef-*` aside). */
  readonly extra: readonly string[];
  readonly upToDate: number;
  /** The manifest compile would write. */
  readonly manifest: OutputFile;
}

/**
 * Compares `dir` with what a compile of `compiled` writes: the `files` and their manifest. Each file is produced
 * once, streamed through its hash and a comparison with the disk.
 */
export function checkOutput(
  dir: string,
  files: readonly OutputFile[],
  compiled: Slice,
  source?: ManifestSource,
): CheckResult {
  const onDisk = new Set(listFiles(dir));
  // every file compared is a plain file reached through no link: a FIFO would block the read forever
  inspectOutputPaths(dir, [...files.map((f) => f.path), ...onDisk, MANIFEST_NAME]);
  const stale: string[] = [];
  const missing: string[] = [];
  const hashes = new Map<string, string>();
  let upToDate = 0;
  const compare = (f: OutputFile) => {
    const present = onDisk.delete(f.path);
    const { hash, same } = digestFile(f, present ? join(dir, f.path) : undefined);
    hashes.set(f.path, hash);
    if (!present) missing.push(f.path);
    else if (!same) stale.push(f.path);
    else upToDate++;
  };
  for (const f of files) compare(f);
  const manifest = textFile(MANIFEST_NAME, serializeManifest(manifestOf(files, compiled, hashes, source)));
  compare(manifest);
  return {
    manifest,
    stale: stale.sort(byCodePoint),
    missing: missing.sort(byCodePoint),
    extra: [...onDisk].sort(byCodePoint),
    upToDate,
  };
}

/** How many lines of each side, from just before their first difference, the shown diff is computed over. */
const DIFF_WINDOW = 2000;

/**
 * A unified diff from the file on disk (`a/`) to what compile would write (`b/`), cut after `maxLines` lines. Only
 * the start of the difference is shown, so only a window of lines from just before it is diffed: a whole task graph
 * that changed everywhere would take minutes to diff, for sixty lines of output.
 */
export function unifiedDiff(
  label: string,
  onDisk: string | undefined,
  expected: string | undefined,
  maxLines = 60,
): string {
  const a = linesOf(onDisk ?? "");
  const b = linesOf(expected ?? "");
  let first = 0;
  while (first < a.length && first < b.length && a[first] === b[first]) first++;
  const from = Math.max(0, first - 3); // the context lines before the first change
  const to = from + DIFF_WINDOW;
  const patch = structuredPatch(
    onDisk === undefined ? "/dev/null" : `a/${label}`,
    expected === undefined ? "/dev/null" : `b/${label}`,
    a.slice(from, to).join(""),
    b.slice(from, to).join(""),
    undefined,
    undefined,
    { context: 3 },
  );
  for (const h of patch.hunks) {
    // positions in the whole files
    h.oldStart += from;
    h.newStart += from;
  }
  const lines = formatPatch(patch)
    .split("\n")
    .filter((l, i) => !(i === 0 && l.startsWith("====")));
  if (lines.at(-1) === "") lines.pop();
  const windowed = to < Math.max(a.length, b.length);
  const cut =
    lines.length > maxLines || windowed
      ? [
          ...lines.slice(0, maxLines),
          windowed ? `... (diff of lines ${from + 1}-${to} only)` : `... (${lines.length - maxLines} more lines)`,
        ]
      : lines;
  return `${cut.join("\n")}\n`;
}

/** The lines of a text, each with its line end. */
function linesOf(text: string): string[] {
  return text.split(/(?<=\n)/);
}
