/**
 * Checks one job layer against the merged-job schema, knowing what a layer may say beyond it: keyed-by mappings
 * (each arm checked as the value itself), the list and mapping operators, and `null`. Leaves go to ajv.
 */
import { ajvDiagnostics, kindOf } from "./ajv-errors.js";
import { type Diagnostic, error } from "./diagnostics.js";
import { ATTRIBUTES, armRegex, keyedByAttribute } from "./keyed-by.js";
import { nearest } from "./names.js";
import { type JsonSchema, pieceValidator, schemaOf } from "./schemas.js";
import { formatPath, type PathSegment, type SourceFile } from "./source.js";

export const LIST_OPS = ["$append", "$prepend", "$remove"] as const;
export const MAP_OPS = ["$replace"] as const;

/** Checks `value` (found at `path` in `file`) as a job layer. */
export function checkJobLayer(value: unknown, file: SourceFile, path: readonly PathSegment[], out: Diagnostic[]): void {
  const root = schemaOf("job");
  if (!isMapping(value)) {
    out.push(
      error(
        "JD010",
        `${formatPath(path)}: expected a mapping of job fields, got ${kindOf(value)}`,
        file.positionOf(path),
      ),
    );
    return;
  }
  checkMapping(value, root, file, [...path], "job", out);
}

function checkMapping(
  value: Record<string, unknown>,
  schema: JsonSchema,
  file: SourceFile,
  path: PathSegment[],
  key: string,
  out: Diagnostic[],
): void {
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  const extra = schema.additionalProperties;
  for (const k of Object.keys(value)) {
    const sub = props?.[k] ?? (isMapping(extra) ? (extra as JsonSchema) : extra === false || props ? undefined : {});
    if (!sub) {
      const hint = nearest(k, Object.keys(props ?? {}), 1);
      out.push(
        error(
          "JD011",
          `unknown key "${k}" in ${path.length ? formatPath(path) : `the ${file.kind} file`}${hint.length ? ` (did you mean "${hint[0]}"?)` : `; expected one of: ${Object.keys(props ?? {}).join(", ")}`}`,
          file.positionOf([...path, k], true),
        ),
      );
      continue;
    }
    checkValue(value[k], sub, file, [...path, k], `${key}.${props?.[k] ? k : "*"}`, out);
  }
}

function checkValue(
  value: unknown,
  schema: JsonSchema,
  file: SourceFile,
  path: PathSegment[],
  key: string,
  out: Diagnostic[],
): void {
  if (value === null) return; // deletes the key
  const attr = keyedByAttribute(value);
  if (attr !== undefined) {
    checkKeyedBy(value as Record<string, unknown>, attr, schema, file, path, key, out);
    return;
  }
  const op = operatorOf(value);
  if (op === "$value") {
    const literal = (value as { $value: unknown }).$value;
    if (literal === null) return; // a literal null: the merged job's schema decides whether the field allows it
    const validate = pieceValidator(schema, key);
    if (!validate(literal)) out.push(...ajvDiagnostics(validate.errors ?? [], file, [...path, op]));
    return;
  }
  if (op) {
    const isList = schema.type === "array";
    const isMap = schema.type === "object";
    const allowed = isList ? LIST_OPS : isMap ? MAP_OPS : [];
    if (!(allowed as readonly string[]).includes(op)) {
      const what = isList ? "a list" : isMap ? "a mapping" : `a ${String(schema.type ?? "scalar")}`;
      out.push(
        error(
          "JD032",
          `${formatPath(path)}: ${op} cannot be used here: the field is ${what}${allowed.length ? `; use ${allowed.join(", ")}` : ""}`,
          file.positionOf([...path, op], true),
        ),
      );
      return;
    }
    checkValue((value as Record<string, unknown>)[op], schema, file, [...path, op], key, out);
    return;
  }
  if (schema.type === "object" && (schema.properties || isMapping(schema.additionalProperties)) && isMapping(value)) {
    checkMapping(value, schema, file, path, key, out);
    return;
  }
  const validate = pieceValidator(schema, key);
  if (!validate(value)) out.push(...ajvDiagnostics(validate.errors ?? [], file, path));
}

function checkKeyedBy(
  value: Record<string, unknown>,
  attr: string,
  schema: JsonSchema,
  file: SourceFile,
  path: PathSegment[],
  key: string,
  out: Diagnostic[],
): void {
  const byKey = `by-${attr}`;
  if (!(ATTRIBUTES as readonly string[]).includes(attr)) {
    const hint = nearest(
      byKey,
      ATTRIBUTES.map((a) => `by-${a}`),
      1,
    );
    out.push(
      error(
        "JD023",
        `${formatPath(path)}: unknown keyed-by attribute "${byKey}"${hint.length ? ` (did you mean "${hint[0]}"?)` : ""}; attributes are ${ATTRIBUTES.map((a) => `by-${a}`).join(", ")}`,
        file.positionOf([...path, byKey], true),
      ),
    );
    return;
  }
  const arms = value[byKey];
  if (!isMapping(arms) || Object.keys(arms).length === 0) {
    out.push(
      error(
        "JD010",
        `${formatPath([...path, byKey])}: expected a non-empty mapping of patterns to values`,
        file.positionOf([...path, byKey]),
      ),
    );
    return;
  }
  for (const arm of Object.keys(arms)) {
    if (arm !== "default" && armRegex(arm) === null)
      out.push(
        error(
          "JD021",
          `${formatPath([...path, byKey])}: "${arm}" is not a valid regular expression`,
          file.positionOf([...path, byKey, arm], true),
        ),
      );
    checkValue(arms[arm], schema, file, [...path, byKey, arm], key, out);
  }
}

/** The operator when `value` is `{$op: ...}` (one key starting with `$`). */
export function operatorOf(value: unknown): string | undefined {
  if (!isMapping(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0].startsWith("$") ? keys[0] : undefined;
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
