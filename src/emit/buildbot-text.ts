/**
 * The texts of a branch's buildbot config, JSON and its Python twin, written section by section: the same bytes
 * `jsonWithPythonTwin` writes for the whole value (sorted keys, an indent of 2, the banner first). With the pieces of
 * the last output (src/cache/graph-pieces.ts), a platform's section whose key is unchanged is copied from the old file
 * instead of being made and serialised, so a platform edit serialises one section only.
 */
import type { FilePieces } from "../cache/graph-pieces.js";
import type { ByteWriter } from "./output-file.js";
import { pyString, pythonLiteral } from "./python.js";
import { BANNER, canonical } from "./serialize.js";

export type Form = "json" | "python";

/** Where a section sits in the branch's value: `platforms.<name>`, two levels down. */
const SECTION_DEPTH = 2;

/** A platform's section as JSON or as a Python literal, indented to sit at its place in the branch's file. */
export function sectionText(form: Form, section: Record<string, unknown>): string {
  const sorted = canonical(section);
  if (form === "python") return pythonLiteral(sorted, SECTION_DEPTH);
  return JSON.stringify(sorted, null, 2).replaceAll("\n", `\n${"  ".repeat(SECTION_DEPTH)}`);
}

export interface BranchHead {
  readonly branch: string;
  readonly repository: string;
}

export interface Section {
  readonly name: string;
  /** The key of what the section is made of (src/cache/platform-files.ts); undefined: nothing is copied. */
  readonly key: string | undefined;
  readonly text: (form: Form) => string;
}

export function writeBranchConfig(
  out: ByteWriter,
  form: Form,
  head: BranchHead,
  sections: readonly Section[],
  pieces?: FilePieces,
): void {
  const str = form === "json" ? JSON.stringify : pyString;
  pieces?.restart();
  out.write(form === "json" ? "{\n" : `# ${BANNER}\nconfig = {\n`);
  out.write(`  "$generated": ${str(BANNER)},\n  "branch": ${str(head.branch)},\n  "platforms": `);
  const byName = new Map(sections.map((s) => [s.name, s]));
  // the order in which a sorted object enumerates its keys (canonical's), array indices first
  const order = Object.keys(canonical(Object.fromEntries(sections.map((s) => [s.name, 0]))) as object);
  out.write(order.length ? "{\n" : "{}");
  order.forEach((name, i) => {
    const section = byName.get(name)!;
    out.write(`${i ? ",\n" : ""}    ${str(name)}: `);
    const start = out.position;
    const key = pieces && section.key;
    if (!key || !pieces.copy(name, key, out)) out.write(section.text(form));
    if (key) pieces.note(name, key, start, out.position - start);
  });
  if (order.length) out.write("\n  }");
  out.write(`,\n  "repository": ${str(head.repository)}\n}\n`);
}
