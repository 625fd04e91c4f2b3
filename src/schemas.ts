/**
 * A vocabulary's JSON Schemas (built by schema-source.ts) and their validators: for jobdef's own vocabulary, the
 * standalone code `npm run build` precompiles into dist/validators.cjs (scripts/build-validators.ts) when it matches
 * these schemas, else compiled here by ajv (loaded only then), as for any other vocabulary.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Ajv2020, ErrorObject, Options, ValidateFunction } from "ajv/dist/2020.js";
import { PACKAGE_ROOT } from "./package-root.js";
import { buildSchemas, SCHEMA_BASE } from "./schema-source.js";
import type { VocabularyTerms } from "./vocabulary.js";

export type JsonSchema = { readonly [key: string]: unknown };
export const SCHEMA_KINDS = ["defaults", "harness", "platform", "branch", "suite", "job", "job-layer"] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];
export type FileKind = Exclude<SchemaKind, "job-layer">;

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

/** The text of a schema file in schemas/ (what `npm run generate` writes, and what the hash covers). */
export function schemaText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** The id under which a file kind's schema is added to ajv. */
export function fileSchemaId(kind: FileKind): string {
  return `${SCHEMA_BASE}${kind}.schema.json`;
}

/** The export name of a piece's precompiled validator. */
export function pieceExport(key: string): string {
  return `piece:${key}`;
}

/** The schemas of one vocabulary, with the validators compiled from them (each once, on first use). */
export class SchemaSet {
  readonly schemas: Readonly<Record<SchemaKind, JsonSchema>>;
  /** The hash of the schema files' text, which a precompiled module must carry to be used. */
  readonly hash: string;
  private readonly precompiled: Precompiled | undefined;
  private ajv: Ajv2020 | undefined;
  private readonly pieces = new Map<string, ValidateFunction>();

  constructor(terms: VocabularyTerms) {
    const built = buildSchemas(terms);
    const hash = createHash("sha256");
    for (const kind of SCHEMA_KINDS) hash.update(`${kind}\0${schemaText(built[kind])}\0`);
    this.schemas = built as Record<SchemaKind, JsonSchema>;
    this.hash = hash.digest("hex");
    this.precompiled = loadPrecompiled(this.hash);
  }

  schemaOf(kind: SchemaKind): JsonSchema {
    return this.schemas[kind];
  }

  /** A fresh ajv with the file schemas added (job layers opaque); `code` is for the standalone build. */
  createAjv(code?: Options["code"]): Ajv2020 {
    const require = createRequire(import.meta.url);
    const { Ajv2020: AjvClass } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
    const addFormats = require("ajv-formats") as { default: (a: Ajv2020) => void };
    const ajv = new AjvClass({ ...AJV_OPTIONS, ...(code ? { code } : {}) });
    addFormats.default(ajv);
    // File schemas see job layers as opaque mappings: layers are checked by check-layer.ts, which knows keyed-by
    // and the merge operators and gives one precise message per problem (the full job-layer schema is for editors).
    ajv.addSchema({ $id: `${SCHEMA_BASE}job-layer.schema.json`, type: "object" });
    for (const kind of SCHEMA_KINDS) if (kind !== "job-layer") ajv.addSchema(this.schemas[kind]);
    return ajv;
  }

  /** Validator of a whole file kind (job layers opaque). */
  fileValidator(kind: FileKind): ValidateFunction {
    const pre = this.precompiled?.[kind];
    if (typeof pre === "function") return pre;
    this.ajv ??= this.createAjv();
    return this.ajv.getSchema(fileSchemaId(kind))!;
  }

  /** The schema compiled for one piece of the merged-job schema (the piece plus the job schema's `$defs`). */
  pieceSchema(schema: JsonSchema): JsonSchema {
    const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
    const defs = this.schemas.job.$defs;
    return defs === undefined ? rest : { ...rest, $defs: defs };
  }

  /**
   * Every piece check-layer.ts may validate, by its key ("job.mozharness.options", "job.env.*"): the fields of the
   * job schema, recursively through mappings it descends into, as check-layer.ts walks them.
   */
  pieceKeys(): [key: string, schema: JsonSchema][] {
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
    walk(this.schemas.job, "job");
    return out;
  }

  /** Validator of one piece of the merged-job schema, compiled once per piece. */
  pieceValidator(schema: JsonSchema, key: string): ValidateFunction {
    let v = this.pieces.get(key);
    if (!v) {
      const pre = this.precompiled?.[pieceExport(key)];
      if (typeof pre === "function") v = pre;
      else {
        this.ajv ??= this.createAjv();
        v = this.ajv.compile(this.pieceSchema(schema));
      }
      this.pieces.set(key, v);
    }
    return v;
  }
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

export type { ErrorObject, ValidateFunction };
