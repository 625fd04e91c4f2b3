/** ajv errors → one diagnostic per problem, positioned through the file's node index. */
import { type Code, type Diagnostic, error, type Position } from "./diagnostics.js";
import { nearest } from "./names.js";
import type { ErrorObject } from "./schemas.js";
import { formatPath, type PathSegment, type SourceFile } from "./source.js";

/**
 * `base` is where the validated value sits (a job layer's leaf, say); `locate` maps a path to a position: a file's
 * node index, or a merged job's provenance.
 */
export function ajvDiagnostics(
  errors: readonly ErrorObject[],
  locate: SourceFile | ((path: PathSegment[], onKey?: boolean) => Position),
  base: readonly PathSegment[] = [],
  /** What the empty path is called in messages. */
  root = typeof locate === "function" ? "the top level" : `the ${locate.kind} file`,
): Diagnostic[] {
  const at = typeof locate === "function" ? locate : (p: PathSegment[], k?: boolean) => locate.positionOf(p, k);
  const written = typeof locate === "function" ? writtenAt : (p: PathSegment[]) => locate.writtenAt(p);
  const alternatives = new Set(
    errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf").map((e) => e.instancePath),
  );
  const out: Diagnostic[] = [];
  for (const e of errors) {
    const inAlternative = /\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath) && alternatives.has(e.instancePath);
    if (inAlternative) continue;
    const path = [...base, ...pointerSegments(e.instancePath)];
    const value = (typeof e.data === "number" && written(path)) || JSON.stringify(e.data);
    const d = describe(e, path, root, value);
    out.push(error(d.code, d.message, at(d.path, d.onKey)));
  }
  return out;
}

function describe(
  e: ErrorObject,
  path: PathSegment[],
  root: string,
  /** The value as written in the file when known (a number quoted as its digits, not as JavaScript prints it). */
  value: string,
): { code: Code; message: string; path: PathSegment[]; onKey?: boolean } {
  const where = formatPath(path, root);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      const known = Object.keys(((e.parentSchema as Record<string, unknown>)?.properties as object) ?? {});
      const hint = nearest(key, known, 1);
      const expected = known.length ? `; expected one of: ${known.join(", ")}` : "";
      return {
        code: "JD011",
        message: `unknown key "${key}" in ${where}${hint.length ? ` (did you mean "${hint[0]}"?)` : expected}`,
        path: [...path, key],
        onKey: true,
      };
    }
    case "required":
      return { code: "JD012", message: `missing required key "${p.missingProperty}" in ${where}`, path };
    case "type":
      return { code: "JD010", message: `${where}: expected ${p.type}, got ${kindOf(e.data)}`, path };
    case "oneOf":
    case "anyOf": {
      const options = ((e.schema as Record<string, unknown>[]) ?? []).map((s) => s.title).filter(Boolean);
      if (options.length && ((e.schema as Record<string, unknown>[]) ?? []).every((s) => Array.isArray(s.required))) {
        const keys = (e.schema as { required: string[] }[]).map((s) => `"${s.required[0]}"`).join(" or ");
        return { code: "JD012", message: `${where}: needs exactly one of ${keys}`, path };
      }
      return {
        code: "JD015",
        message: `${where}: matches none of the allowed forms${options.length ? ` (${options.join("; ")})` : ""}`,
        path,
      };
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      // `chunks` itself, or an arm of a keyed-by `chunks`
      if (
        e.keyword === "minimum" &&
        path.some((s, i) => s === "chunks" && (i === path.length - 1 || String(path[i + 1]).startsWith("by-")))
      )
        return { code: "JD034", message: `${where}: chunks must be at least 1, got ${value}`, path };
      return { code: "JD013", message: `${where}: ${value} ${e.message}`, path };
    case "enum":
      return {
        code: "JD013",
        message: `${where}: ${value} is not one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
        path,
      };
    case "pattern":
      if (String(p.pattern).startsWith("^(?![/\\\\])"))
        return {
          code: "JD013",
          message: `${where}: ${JSON.stringify(e.data)} must be a relative path inside its base (no leading /, no "..")`,
          path,
        };
      return { code: "JD013", message: `${where}: ${JSON.stringify(e.data)} does not match ${p.pattern}`, path };
    default:
      return { code: "JD013", message: `${where}: ${e.message}`, path };
  }
}

/** A located path has no text of its own (a merged job's value): printed as JSON. */
function writtenAt(): undefined {
  return undefined;
}

function pointerSegments(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}
