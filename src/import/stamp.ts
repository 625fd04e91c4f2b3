/**
 * Drafted files end with a stamp: the sha256 of their text above it. A file whose stamp still matches was not
 * edited since `jobdef import` wrote it, so a later import may replace it; a hand-edited file (stamp gone or not
 * matching) is never replaced: the new draft goes beside it as `<file>.rej`, and the caller says so.
 */
import { createHash } from "node:crypto";

const STAMP = /\n# drafted by jobdef import; sha256 ([0-9a-f]{64}) of the text above\n$/;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The text with its stamp line appended. */
export function stampDraft(text: string): string {
  const body = text.endsWith("\n") ? text : `${text}\n`;
  return `${body}# drafted by jobdef import; sha256 ${sha256(body)} of the text above\n`;
}

/** Whether a file still is what `jobdef import` wrote. */
export function isUneditedDraft(text: string): boolean {
  const m = STAMP.exec(text);
  return !!m && sha256(text.slice(0, m.index + 1)) === m[1];
}

export interface WritePlan {
  /** Files to write: drafts, and `.rej` files beside hand-edited ones. */
  readonly writes: { readonly path: string; readonly content: string }[];
  /** Existing files that stop the import (without --force). */
  readonly refused: { readonly path: string }[];
  /** Hand-edited files kept (with --force): their new draft is `<path>.rej`. */
  readonly kept: { readonly path: string }[];
  readonly unchanged: number;
}

/** What to do with each drafted file, given what is on disk (`existing` returns undefined for no file). */
export function planWrites(
  files: readonly { readonly path: string; readonly content: string }[],
  existing: (path: string) => string | undefined,
  force: boolean,
): WritePlan {
  const plan: WritePlan = { writes: [], refused: [], kept: [], unchanged: 0 };
  let unchanged = 0;
  for (const f of files) {
    const old = existing(f.path);
    if (old === undefined) plan.writes.push(f);
    else if (old === f.content) unchanged++;
    else if (!force) plan.refused.push(f);
    else if (isUneditedDraft(old)) plan.writes.push(f);
    else {
      plan.kept.push(f);
      plan.writes.push({ path: `${f.path}.rej`, content: f.content });
    }
  }
  return { ...plan, unchanged };
}
