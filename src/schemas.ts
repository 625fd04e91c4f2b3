/** The JSON Schemas of schemas/, read once per process, and the ajv instance that compiles them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { PACKAGE_ROOT } from "./package-root.js";

export type JsonSchema = { readonly [key: string]: unknown };
export const SCHEMA_KINDS = ["defaults", "harness", "platform", "branch", "suite", "job", "job-layer"] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

const BASE = "https://jobdef.dev/schemas/";

let cache:
  | { ajv: Ajv2020; schemas: Record<SchemaKind, JsonSchema>; validators: Map<string, ValidateFunction> }
  | undefined;

function state() {
  if (cache) return cache;
  const schemas = {} as Record<SchemaKind, JsonSchema>;
  for (const kind of SCHEMA_KINDS)
    schemas[kind] = JSON.parse(readFileSync(join(PACKAGE_ROOT, "schemas", `${kind}.schema.json`), "utf8"));
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true });
  (addFormatsModule as unknown as { default: (a: Ajv2020) => void }).default(ajv);
  // File schemas see job layers as opaque mappings: layers are checked by check-layer.ts, which knows keyed-by
  // and the merge operators and gives one precise message per problem (the full job-layer schema is for editors).
  ajv.addSchema({ $id: `${BASE}job-layer.schema.json`, type: "object" });
  for (const kind of SCHEMA_KINDS) if (kind !== "job-layer") ajv.addSchema(schemas[kind]);
  cache = { ajv, schemas, validators: new Map() };
  return cache;
}

export function schemaOf(kind: SchemaKind): JsonSchema {
  return state().schemas[kind];
}

/** Validator of a whole file kind (job layers opaque). */
export function fileValidator(kind: Exclude<SchemaKind, "job-layer">): ValidateFunction {
  const s = state();
  return s.ajv.getSchema(`${BASE}${kind}.schema.json`)!;
}

/** Validator of one piece of the merged-job schema, compiled once per piece. */
export function pieceValidator(schema: JsonSchema, key: string): ValidateFunction {
  const s = state();
  let v = s.validators.get(key);
  if (!v) {
    const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
    v = s.ajv.compile({ ...rest, $defs: schemaOf("job").$defs });
    s.validators.set(key, v);
  }
  return v;
}

export type { ErrorObject };
