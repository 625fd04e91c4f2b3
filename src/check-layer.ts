/**
 * Checks one job layer against the merged-job schema, knowing what a layer may say beyond it: keyed-by mappings
 * (each arm checked as the value itself), the list and mapping operators, and `null`. Leaves go to ajv.
 */
import { ajvDiagnostics, kindOf } from "./ajv-errors.js";
import { type Code, type Diagnostic, error } from "./diagnostics.js";
import { keyedByAttribute } from "./keyed-by.js";
import { nearest, patternProblem } from "./names.js";
import type { JsonSchema } from "./schemas.js";
import { formatPath, type PathSegment, type SourceFile } from "./source.js";
import { isMapping } from "./values.js";
import type { Vocabulary } from "./vocabulary.js";

/** Checks `value` (found at `path` in `file`) as a job layer of `vocabulary`. */
export function checkJobLayer(
  value: unknown,
  file: SourceFile,
  path: readonly PathSegment[],
  out: Diagnostic[],
  vocabulary: Vocabulary,
): void {
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
  new LayerChecker(file, out, vocabulary).mapping(value, vocabulary.schemas.schemaOf("job"), [...path], "job");
}

/** Walks one layer of one file; `key` names the schema piece (`job.mozharness.options`) for its compiled validator. */
class LayerChecker {
  constructor(
    private readonly file: SourceFile,
    private readonly out: Diagnostic[],
    private readonly vocabulary: Vocabulary,
  ) {}

  private report(code: Code, message: string, path: PathSegment[], onKey = false): void {
    this.out.push(error(code, message, this.file.positionOf(path, onKey)));
  }

  mapping(value: Record<string, unknown>, schema: JsonSchema, path: PathSegment[], key: string): void {
    const props = schema.properties as Record<string, JsonSchema> | undefined;
    const extra = schema.additionalProperties;
    for (const k of Object.keys(value)) {
      // own properties only: a key named __proto__ or constructor is not a field of every schema
      const own = props && Object.hasOwn(props, k) ? props[k] : undefined;
      const sub = own ?? (isMapping(extra) ? (extra as JsonSchema) : extra === false || props ? undefined : {});
      if (!sub) {
        const known = Object.keys(props ?? {});
        const hint = nearest(k, known, 1);
        const where = formatPath(path, `the ${this.file.kind} file`);
        const help = hint.length ? ` (did you mean "${hint[0]}"?)` : `; expected one of: ${known.join(", ")}`;
        this.report("JD011", `unknown key "${k}" in ${where}${help}`, [...path, k], true);
        continue;
      }
      this.value(value[k], sub, [...path, k], `${key}.${own ? k : "*"}`);
    }
  }

  private value(value: unknown, schema: JsonSchema, path: PathSegment[], key: string): void {
    if (value === null) return; // deletes the key
    const attr = keyedByAttribute(value);
    if (attr !== undefined) {
      this.keyedBy(value as Record<string, unknown>, attr, schema, path, key);
      return;
    }
    const op = operatorOf(value);
    // `$value` is a literal: its operand is the field's value, not an operand of the field's kind
    if (op === "$value") {
      const literal = (value as { $value: unknown }).$value;
      // A literal null: the merged job's schema decides whether the field allows it.
      if (literal !== null) this.leaf(literal, schema, [...path, op], key);
      return;
    }
    if (op === "$inherit") {
      if ((value as { $inherit: unknown }).$inherit !== true)
        this.report("JD010", `${formatPath([...path, op])}: expected true ({$inherit: true})`, [...path, op]);
      return;
    }
    if (op) this.operator(value as Record<string, unknown>, op, schema, path, key);
    else if (
      schema.type === "object" &&
      (schema.properties || isMapping(schema.additionalProperties)) &&
      isMapping(value)
    )
      this.mapping(value, schema, path, key);
    else this.leaf(value, schema, path, key);
  }

  private leaf(value: unknown, schema: JsonSchema, path: PathSegment[], key: string): void {
    const validate = this.vocabulary.schemas.pieceValidator(schema, key);
    if (!validate(value)) this.out.push(...ajvDiagnostics(validate.errors ?? [], this.file, path));
  }

  private operator(
    value: Record<string, unknown>,
    op: string,
    schema: JsonSchema,
    path: PathSegment[],
    key: string,
  ): void {
    const isList = schema.type === "array";
    const isMap = schema.type === "object";
    const on = isList ? "list" : isMap ? "mapping" : undefined;
    const allowed = this.vocabulary.operators.filter((o) => o.on === on).map((o) => o.name as string);
    if (!allowed.includes(op)) {
      const what = isList ? "a list" : isMap ? "a mapping" : `a ${String(schema.type ?? "scalar")}`;
      const use = allowed.length ? `; use ${allowed.join(", ")}` : "";
      this.report(
        "JD032",
        `${formatPath(path)}: ${op} cannot be used here: the field is ${what}${use}`,
        [...path, op],
        true,
      );
      return;
    }
    this.value(value[op], schema, [...path, op], key);
  }

  private keyedBy(
    value: Record<string, unknown>,
    attr: string,
    schema: JsonSchema,
    path: PathSegment[],
    key: string,
  ): void {
    const byKey = `by-${attr}`;
    const attributes = this.vocabulary.attributeNames.map((a) => `by-${a}`);
    if (!this.vocabulary.attributeNames.includes(attr)) {
      const hint = nearest(byKey, attributes, 1);
      const help = hint.length ? ` (did you mean "${hint[0]}"?)` : "";
      const message = `${formatPath(path)}: unknown keyed-by attribute "${byKey}"${help}; attributes are ${attributes.join(", ")}`;
      this.report("JD023", message, [...path, byKey], true);
      return;
    }
    const arms = value[byKey];
    if (!isMapping(arms) || Object.keys(arms).length === 0) {
      this.report("JD010", `${formatPath([...path, byKey])}: expected a non-empty mapping of patterns to values`, [
        ...path,
        byKey,
      ]);
      return;
    }
    for (const arm of Object.keys(arms)) {
      const problem = arm === "default" ? undefined : patternProblem(arm);
      if (problem)
        this.report(
          "JD021",
          `${formatPath([...path, byKey])}: "${arm}" is not a valid regular expression (${problem})`,
          [...path, byKey, arm],
          true,
        );
      this.value(arms[arm], schema, [...path, byKey, arm], key);
    }
  }
}

/** The operator when `value` is `{$op: ...}` (one key starting with `$`). */
export function operatorOf(value: unknown): string | undefined {
  if (!isMapping(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0].startsWith("$") ? keys[0] : undefined;
}
