/** A merged job with the provenance of every leaf, as annotated YAML or as data (what `jobdef explain` shows). */
import { stringify } from "yaml";
import type { Job } from "./expand.js";
import { isOrigin, type Origin, type ProvenanceNode } from "./merge.js";
import { byCodePoint } from "./values.js";

export interface OriginView {
  readonly layer: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  readonly overrode?: OriginView & { readonly value: unknown };
}

export function originView(o: Origin): OriginView {
  const pos = o.file?.positionOf(o.path);
  const view: OriginView = {
    layer: o.layer,
    file: pos?.file ?? null,
    line: pos?.line ?? null,
    column: pos?.column ?? null,
  };
  return o.overrode ? { ...view, overrode: { ...originView(o.overrode), value: o.previous } } : view;
}

/** The subtree of value and provenance at a dotted `field`, or undefined when the job has no such field. */
export function fieldOf(job: Job, field: string | undefined): { value: unknown; prov: ProvenanceNode } | undefined {
  let value: unknown = job.merged.value;
  let prov: ProvenanceNode = job.merged.provenance;
  for (const seg of field ? field.split(".") : []) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, seg))
      return undefined;
    value = (value as Record<string, unknown>)[seg];
    prov = isOrigin(prov) ? prov : (prov as Record<string, ProvenanceNode>)[seg];
  }
  return { value, prov };
}

/** Flat map of leaf path → origin, for `--json`. */
export function provenanceList(value: unknown, prov: ProvenanceNode, path = ""): Record<string, OriginView> {
  const out: Record<string, OriginView> = {};
  if (isOrigin(prov)) {
    out[path || "."] = originView(prov);
    prov.items?.forEach((o, i) => {
      out[`${path}[${i}]`] = originView(o);
    });
    return out;
  }
  for (const k of Object.keys(value as object).sort(byCodePoint)) {
    Object.assign(
      out,
      provenanceList(
        (value as Record<string, unknown>)[k],
        (prov as Record<string, ProvenanceNode>)[k],
        path ? `${path}.${k}` : k,
      ),
    );
  }
  return out;
}

function note(o: Origin | undefined): string {
  if (!o) return "";
  const v = originView(o);
  const at = (x: OriginView) =>
    x.layer === "command-line" ? (x.file ?? "--set") : x.file ? `${x.file}:${x.line}` : "jobdef";
  let s = `  # ${at(v)} (${v.layer})`;
  if (v.overrode) s += `, overrode ${inline(v.overrode.value)} from ${at(v.overrode)} (${v.overrode.layer})`;
  return s;
}

function inline(v: unknown): string {
  const s = JSON.stringify(v) ?? "null";
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function scalar(v: unknown): string {
  return stringify(v, { lineWidth: 0 }).trimEnd();
}

/** YAML of `value` with each leaf annotated by `file:line (layer)` and what it overrode. */
export function annotatedYaml(value: unknown, prov: ProvenanceNode, indent = ""): string {
  if (isOrigin(prov) || value === null || typeof value !== "object") {
    return `${scalarOrBlock(value, isOrigin(prov) ? prov : undefined, indent)}`;
  }
  let out = "";
  for (const k of Object.keys(value).sort(byCodePoint)) {
    const v = (value as Record<string, unknown>)[k];
    const p = (prov as Record<string, ProvenanceNode>)[k];
    const key = scalar(k);
    if (v !== null && typeof v === "object" && !Array.isArray(v) && !isOrigin(p)) {
      out += `${indent}${key}:\n${annotatedYaml(v, p, `${indent}  `)}`;
    } else if (Array.isArray(v) && isOrigin(p)) {
      out += `${indent}${key}:${v.length ? "" : " []"}${note(p)}\n`;
      v.forEach((item, i) => {
        const block = scalar(item).split("\n");
        out += `${indent}  - ${block[0]}${note(p.items?.[i])}\n`;
        for (const line of block.slice(1)) out += `${indent}    ${line}\n`;
      });
    } else {
      out += `${indent}${key}: ${scalarOrBlock(v, isOrigin(p) ? p : undefined, indent)}`;
    }
  }
  return out;
}

function scalarOrBlock(v: unknown, o: Origin | undefined, indent: string): string {
  const text = scalar(v);
  if (!text.includes("\n")) return `${text}${note(o)}\n`;
  return `${note(o).trimStart()}\n${text
    .split("\n")
    .map((l) => `${indent}  ${l}`)
    .join("\n")}\n`;
}
