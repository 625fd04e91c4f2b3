/**
 * The texts of a branch's buildbot config, JSON and its Python twin, assembled from each platform's section: the same
 * bytes `jsonWithPythonTwin` writes for the whole value (sorted keys, an indent of 2, the banner first), so that a
 * platform's section can be kept between runs (per-platform.ts) and a platform edit serialises one section only.
 */

import { pyString, pythonLiteral } from "./python.js";
import { BANNER, canonical } from "./serialize.js";

/** Where a section sits in the branch's value: `platforms.<name>`, two levels down. */
const SECTION_DEPTH = 2;

/** A platform's section as JSON, indented to sit at its place in the branch's file. */
export function sectionJson(section: Record<string, unknown>): string {
  return JSON.stringify(canonical(section), null, 2).replaceAll("\n", `\n${"  ".repeat(SECTION_DEPTH)}`);
}

/** A platform's section as a Python literal, indented likewise. */
export function sectionPython(section: Record<string, unknown>): string {
  return pythonLiteral(canonical(section), SECTION_DEPTH);
}

export interface BranchHead {
  readonly branch: string;
  readonly repository: string;
}

/** A platform's name and the text of its section (JSON, or Python). */
export type Section = readonly [name: string, text: string];

export function branchJson({ branch, repository }: BranchHead, sections: readonly Section[]): string {
  const platforms = mapping(sections, JSON.stringify);
  return `{\n  "$generated": ${JSON.stringify(BANNER)},\n  "branch": ${JSON.stringify(branch)},\n  "platforms": ${platforms},\n  "repository": ${JSON.stringify(repository)}\n}\n`;
}

export function branchPython({ branch, repository }: BranchHead, sections: readonly Section[]): string {
  const platforms = mapping(sections, pyString);
  return `# ${BANNER}\nconfig = {\n  "$generated": ${pyString(BANNER)},\n  "branch": ${pyString(branch)},\n  "platforms": ${platforms},\n  "repository": ${pyString(repository)}\n}\n`;
}

/** The `platforms` mapping at depth 1, its keys in the order a sorted object enumerates them (canonical's). */
function mapping(sections: readonly Section[], key: (name: string) => string): string {
  if (!sections.length) return "{}";
  const text = new Map(sections);
  const order = Object.keys(canonical(Object.fromEntries(sections)) as Record<string, unknown>);
  return `{\n${order.map((name) => `    ${key(name)}: ${text.get(name)}`).join(",\n")}\n  }`;
}
