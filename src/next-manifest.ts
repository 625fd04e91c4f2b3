/**
 * The manifest a write leaves: the files it produced over the old manifest's (`nextManifest`), and its text. Apart
 * from manifest.ts, which the up-to-date proof reads without loading serialisation or output files.
 */
import type { OutputFile } from "./emit/output-file.js";
import { toJson } from "./emit/serialize.js";
import { EMPTY_MANIFEST, type Manifest, type ManifestSource, ownerOf, type Slice } from "./manifest.js";
import type { TargetName } from "./model.js";
import { byCodePoint } from "./values.js";
import { digestFile } from "./write/file-comparison.js";

/** The manifest text: sorted keys, banner first, trailing newline. */
export function serializeManifest(m: Manifest): string {
  const covers = Object.fromEntries(Object.entries(m.covers).map(([b, ts]) => [b, [...ts].sort(byCodePoint)]));
  const source = m.source && { jobdef: m.source.jobdef, inputs: { ...m.source.inputs } };
  return toJson(source ? { covers, files: { ...m.files }, source } : { covers, files: { ...m.files } });
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
