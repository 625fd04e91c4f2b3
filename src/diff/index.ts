/** `jobdef diff`: compile two config roots (every branch, every target) and compare them. */
import { join, relative } from "node:path";
import { type Compiled, compile } from "../compile.js";
import { type Diagnostic, fail, ok, type Result } from "../diagnostics.js";
import { aliasSource } from "../source-text.js";
import { DEFAULT_VOCABULARY } from "../vocabulary.js";
import { compareCompiled, type DiffOptions, type DiffReport } from "./compare.js";
import { openSide, type Side } from "./revision.js";

export type { DiffOptions, DiffReport } from "./compare.js";
export { renderDiff } from "./render.js";

/** Every branch and every target of the tree at `root`, in memory. */
export function compileAll(root: string): Result<Compiled> {
  return compile({ root, branches: "all", targets: DEFAULT_VOCABULARY.targetNames });
}

/**
 * A side's diagnostics, placed for the CLI, which reads source lines relative to `--root`: a directory side's files
 * relative to `root`, a revision's as git's `<rev>:<path>` (its checkout is gone by the time they are printed).
 */
function placed(list: readonly Diagnostic[], side: Side, root: string): Diagnostic[] {
  const where = (file: string | undefined) => {
    if (file === undefined) return file;
    const shown = side.revision ? `${side.label}:${file}` : relative(root, join(side.root, file));
    aliasSource(file, shown); // the text this side read, before the other side's load replaces it
    return shown;
  };
  return list.map((d) => ({
    ...d,
    file: where(d.file),
    ...(d.related ? { related: d.related.map((r) => ({ ...r, file: where(r.file) ?? r.file })) } : {}),
  }));
}

/** Diffs BASE against HEAD (directories or git revisions of the repository holding `root`; HEAD: `root` itself). */
export function diffRevisions(
  base: string,
  head: string | undefined,
  root: string,
  options: DiffOptions = {},
): Result<DiffReport> {
  const a = openSide(base, root);
  if (!a.ok) return a;
  try {
    const b = openSide(head, root);
    if (!b.ok) return b;
    try {
      const ca = compileAll(a.value.root);
      if (!ca.ok) return fail(placed(ca.diagnostics, a.value, root));
      const warnings = placed(ca.warnings, a.value, root);
      const cb = compileAll(b.value.root);
      if (!cb.ok) return fail(placed(cb.diagnostics, b.value, root));
      return ok(compareCompiled(ca.value, cb.value, { base: a.value.label, head: b.value.label }, options), [
        ...warnings,
        ...placed(cb.warnings, b.value, root),
      ]);
    } finally {
      b.value.cleanup();
    }
  } finally {
    a.value.cleanup();
  }
}
