/** `jobdef diff`: compile two config roots (every branch, every target) and compare them. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type Compiled, compile } from "../compile.js";
import { fail, ok, type Result } from "../diagnostics.js";
import { TARGETS } from "../model.js";
import { compareCompiled, type DiffReport } from "./compare.js";
import { openSide } from "./revision.js";

export type { DiffReport } from "./compare.js";
export { renderDiff } from "./render.js";

/** Every branch of the tree at `root` (a branch is a file under configs/branches/), every target, in memory. */
export function compileAll(root: string): Result<Compiled> {
  let names: string[] = [];
  try {
    names = readdirSync(join(root, "configs", "branches"))
      .filter((n) => n.endsWith(".yml"))
      .map((n) => n.slice(0, -4));
  } catch {
    // no branches directory: compile reports it
  }
  return compile({ root, branches: names.sort(), targets: [...TARGETS] });
}

/** Diffs BASE against HEAD (directories or git revisions of the repository holding `root`; HEAD: `root` itself). */
export function diffRevisions(base: string, head: string | undefined, root: string): Result<DiffReport> {
  const a = openSide(base, root);
  if (!a.ok) return a;
  try {
    const b = openSide(head, root);
    if (!b.ok) return b;
    try {
      const ca = compileAll(a.value.root);
      if (!ca.ok) return fail(ca.diagnostics.map((d) => ({ ...d, message: `${a.value.label}: ${d.message}` })));
      const cb = compileAll(b.value.root);
      if (!cb.ok) return fail(cb.diagnostics.map((d) => ({ ...d, message: `${b.value.label}: ${d.message}` })));
      return ok(compareCompiled(ca.value, cb.value, { base: a.value.label, head: b.value.label }), [
        ...ca.warnings,
        ...cb.warnings,
      ]);
    } finally {
      b.value.cleanup();
    }
  } finally {
    a.value.cleanup();
  }
}
