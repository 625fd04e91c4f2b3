/**
 * mach runs a suite as `mach <command>(**kwargs)`: a keyword its argument parser does not know is a TypeError on the
 * developer's machine, long after the config landed. Each harness file lists what its mach commands accept
 * (`mach-kwargs`, the parsers' `dest` names), so an unknown keyword is an error where it is written.
 */
import { type Diagnostic, error, type Position } from "./diagnostics.js";
import type { Tree } from "./model.js";
import { nearest } from "./names.js";

/** JD046 for every key of the merged job's `mach.kwargs` its harness does not accept; none for generic suites. */
export function unknownMachKwargs(
  tree: Tree,
  harness: string | undefined,
  kwargs: Readonly<Record<string, unknown>> | undefined,
  suite: string,
  /** Where a path of the merged job was set. */
  position: (path: readonly string[]) => Position,
): Diagnostic[] {
  if (harness === undefined || kwargs === undefined) return [];
  const h = tree.harnesses.get(harness);
  if (!h) return [];
  const accepted = h.spec["mach-kwargs"] ?? [];
  const out: Diagnostic[] = [];
  for (const key of Object.keys(kwargs)) {
    if (accepted.includes(key)) continue;
    const hint = nearest(key, accepted);
    const listFile = h.file.positionOf(h.spec["mach-kwargs"] ? ["mach-kwargs"] : []);
    out.push(
      error(
        "JD046",
        `suite ${suite}: mach keyword argument "${key}" is not accepted by the mach commands of harness ${harness}` +
          (hint.length ? `; did you mean ${hint.join(", ")}?` : "") +
          ` (expected ${expected(accepted)})`,
        position(["mach", "kwargs", key]),
        [{ ...listFile, message: `harness ${harness} lists what its mach commands accept here` }],
      ),
    );
  }
  return out;
}

/** What the harness accepts, in a few words: a long list is named, not printed. */
function expected(accepted: readonly string[]): string {
  if (!accepted.length) return "none: the harness file lists no mach-kwargs";
  if (accepted.length > 8) return `one of the ${accepted.length} names in its mach-kwargs`;
  return `one of its mach-kwargs: ${accepted.join(", ")}`;
}
