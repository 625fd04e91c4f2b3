/** The standalone code of every validator (scripts/build-validators.ts writes it to dist/validators.cjs). */
import { createRequire } from "node:module";
import { _ } from "ajv/dist/2020.js";
import { type FileKind, fileSchemaId, pieceExport, SCHEMA_KINDS, type SchemaSet } from "./schemas.js";

/** CommonJS source exporting the validators by file kind and by `piece:<key>`, and `SCHEMAS_HASH`. */
export function validatorsCode(schemas: SchemaSet): string {
  const ajv = schemas.createAjv({ source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` });
  const refs: Record<string, string> = {};
  for (const kind of SCHEMA_KINDS) if (kind !== "job-layer") refs[kind] = fileSchemaId(kind as FileKind);
  for (const [key, schema] of schemas.pieceKeys()) {
    ajv.addSchema(schemas.pieceSchema(schema), pieceExport(key));
    refs[pieceExport(key)] = pieceExport(key);
  }
  const standaloneCode = createRequire(import.meta.url)("ajv/dist/standalone/index.js").default as (
    a: unknown,
    r: Record<string, string>,
  ) => string;
  return `${standaloneCode(ajv, refs)}\nexports.SCHEMAS_HASH = ${JSON.stringify(schemas.hash)};\n`;
}
