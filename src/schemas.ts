/**
 * The JSON Schemas of schemas/, read once per process, and their validators: the standalone code that
 * `npm run build` precompiles into dist/validators.cjs (scripts/build-validators.ts) when it matches the schemas on
 * disk, else compiled here by ajv (loaded only then).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Ajv2020, ErrorObject, Options, ValidateFunction } from "ajv/dist/2020.js";
import { PACKAGE_ROOT } from "./package-root.js";

export type JsonSchema = { readonly [key: string]: unknown };
export const SCHEMA_KINDS = ["defaults", "harness", "platform", "branch", "suite", "job", "job-layer"] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];
export type FileKind = Exclude<SchemaKind, "job-layer">;

const BASE = "https://jobdef.dev/schemas/";
/** Where the build puts the precompiled validators. */
export const PRECOMPILED_FILE = join(PACKAGE_ROOT, "dist", "validators.cjs");
/** The ajv options of every validator; `validateSchema: false` because test/schemas.test.ts meta-validates them. */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  allowUnionTypes: true,
  verbose: true,
  validateSchema: false,
};

/** The precompiled module: validators by file kind or piece key, and the hash of the schemas they came from. */
export interface Precompiled {
  readonly SCHEMAS_HASH: string;
  readonly [name: string]: ValidateFunction | string;
}

interface State {
  readonly schemas: Record<SchemaKind, JsonSchema>;
  readonly hash: string;
  readonly precompiled: Precompiled | undefined;
  ajv?: Ajv2020;
  readonly validators: Map<string, ValidateFunction>;
}

let cache: State | undefined;

function state(): State {
  if (cache) return cache;
  const schemas = {} as Record<SchemaKind, JsonSchema>;
  const hash = createHash("sha256");
  for (const kind of SCHEMA_KINDS) {
    const text = readFileSync(join(PACKAGE_ROOT, "schemas", `${kind}.schema.json`), "utf8");
    hash.update(`${kind}\0${text}\0`);
    schemas[kind] = JSON.parse(text);
  }
  const digest = hash.digest("hex");
  cache = { schemas, hash: digest, precompiled: loadPrecompiled(digest), validators: new Map() };
  return cache;
}

/** dist/validators.cjs when it exists, is not disabled by JOBDEF_NO_PRECOMPILED, and matches the schemas. */
function loadPrecompiled(hash: string): Precompiled | undefined {
  if (process.env.JOBDEF_NO_PRECOMPILED) return undefined;
  try {
    const mod = createRequire(import.meta.url)(PRECOMPILED_FILE) as Precompiled;
    return mod.SCHEMAS_HASH === hash ? mod : undefined;
  } catch {
    return undefined; // not built: compile at run time
  }
}

/** A fresh ajv with the file schemas added (job layers opaque); `code` is for the standalone build. */
export function createAjv(code?: Options["code"]): Ajv2020 {
  const require = createRequire(import.meta.url);
  const { Ajv2020: AjvClass } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const addFormats = require("ajv-formats") as { default: (a: Ajv2020) => void };
  const ajv = new AjvClass({ ...AJV_OPTIONS, ...(code ? { code } : {}) });
  addFormats.default(ajv);
  // File schemas see job layers as opaque mappings: layers are checked by check-layer.ts, which knows keyed-by
  // and the merge operators and gives one precise message per problem (the full job-layer schema is for editors).
  ajv.addSchema({ $id: `${BASE}job-layer.schema.json`, type: "object" });
  for (const kind of SCHEMA_KINDS) if (kind !== "job-layer") ajv.addSchema(schemaOf(kind));
  return ajv;
}

function ajvOf(s: State): Ajv2020 {
  s.ajv ??= createAjv();
  return s.ajv;
}

/** The hash of the schema files, which the precompiled module must carry. */
export function schemasHash(): string {
  return state().hash;
}

export function schemaOf(kind: SchemaKind): JsonSchema {
  return state().schemas[kind];
}

/** The id under which a file kind's schema is added to ajv. */
export function fileSchemaId(kind: FileKind): string {
  return `${BASE}${kind}.schema.json`;
}

/** Validator of a whole file kind (job layers opaque). */
export function fileValidator(kind: FileKind): ValidateFunction {
  const s = state();
  const pre = s.precompiled?.[kind];
  if (typeof pre === "function") return pre;
  return ajvOf(s).getSchema(fileSchemaId(kind))!;
}

/** The schema compiled for one piece of the merged-job schema (the piece plus the job schema's `$defs`). */
export function pieceSchema(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
  const defs = schemaOf("job").$defs;
  return defs === undefined ? rest : { ...rest, $defs: defs };
}

/**
 * Every piece check-layer.ts may validate, by its key ("job.mozharness.options", "job.env.*"): the fields of the
 * job schema, recursively through mappings it descends into, as check-layer.ts walks them.
 */
export function pieceKeys(): [key: string, schema: JsonSchema][] {
  const out: [string, JsonSchema][] = [];
  const walk = (schema: JsonSchema, key: string) => {
    const props = schema.properties as Record<string, JsonSchema> | undefined;
    const extra = schema.additionalProperties;
    const extraMapping = typeof extra === "object" && extra !== null && !Array.isArray(extra);
    if (schema.type !== "object" || !(props || extraMapping)) return;
    for (const k of Object.keys(props ?? {})) {
      out.push([`${key}.${k}`, props![k]]);
      walk(props![k], `${key}.${k}`);
    }
    if (extraMapping) {
      out.push([`${key}.*`, extra as JsonSchema]);
      walk(extra as JsonSchema, `${key}.*`);
    }
  };
  walk(schemaOf("job"), "job");
  return out;
}

/** The export name of a piece's precompiled validator. */
export function pieceExport(key: string): string {
  return `piece:${key}`;
}

/** Validator of one piece of the merged-job schema, compiled once per piece. */
export function pieceValidator(schema: JsonSchema, key: string): ValidateFunction {
  const s = state();
  let v = s.validators.get(key);
  if (!v) {
    const pre = s.precompiled?.[pieceExport(key)];
    v = typeof pre === "function" ? pre : ajvOf(s).compile(pieceSchema(schema));
    s.validators.set(key, v);
  }
  return v;
}

export type { ErrorObject };
