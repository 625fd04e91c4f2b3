/** Drafts become YAML text: the schema line, header comments, and the notes as comments on their lines. */
import { Document, isMap, isPair, isScalar, type Node, type Pair, visit } from "yaml";
import type { Draft } from "./draft.js";

const TODO = "TODO: check";

/** The file's text; `schema` is what the `# yaml-language-server: $schema=` line points at. */
export function renderDraft(draft: Draft, schema: string): string {
  const doc = new Document(draft.value);
  doc.commentBefore = [` yaml-language-server: $schema=${schema}`, ...draft.header.map((h) => ` ${h}`)].join("\n");
  for (const note of draft.notes) {
    const text = ` ${note.todo ? `${TODO}: ${note.text}` : note.text}`;
    const node = doc.getIn(note.path, true) as Node | undefined;
    if (isScalar(node)) node.comment = text;
    else {
      const pair = pairAt(doc, note.path);
      if (pair && isScalar(pair.key)) pair.key.commentBefore = text;
    }
  }
  // Short lists of scalars read best on one line, as in the hand-written configs.
  visit(doc, {
    Seq(_, seq) {
      if (seq.items.every(isScalar) && JSON.stringify(seq.toJSON()).length <= 60) seq.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function pairAt(doc: Document, path: readonly string[]): Pair | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  return parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === path.at(-1));
}

/** Lines of a rendered file that carry a TODO, as `line: text`. */
export function todoLines(text: string): string[] {
  return text
    .split("\n")
    .map((l, i) => [i + 1, l] as const)
    .filter(([, l]) => l.includes(`# ${TODO}`))
    .map(([n, l]) => `${n}: ${l.trim()}`);
}
