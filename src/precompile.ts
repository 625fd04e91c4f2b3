/** The standalone code of every validator (scripts/build-validators.ts writes it to dist/validators.cjs). */
import { createRequire } from "node:module";
import { _ } from "ajv/dist/2020.js";
import {
  createAjv,
  type FileKind,
  fileSchemaId,
  pieceExport,
  pieceKeys,
  pieceSchema,
  SCHEMA_KINDS,
  schemasHash,
} from "./schemas.js";

/** CommonJS source exporting the validators by file kind and by `piece:<key>`, and `SCHEMAS_HASH`. */
export function validatorsCode(): string {
  const ajv = createAjv({ source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` });
  const refs: Record<string, string> = {};
  for (const kind of SCHEMA_KINDS) if (kind !== "job-layer") refs[kind] = fileSchemaId(kind as FileKind);
  for (const [key, schema] of pieceKeys()) {
    ajv.addSchema(pieceSchema(schema), pieceExport(key));
    refs[pieceExport(key)] = pieceExport(key);
  }
  const standaloneCode = createRequire(import.meta.url)("ajv/dist/standalone/index.js").default as (
    a: unknown,
    r: Record<string, string>,
  ) => string;
  return `${standaloneCode(ajv, refs)}\nexports.SCHEMAS_HASH = ${JSON.stringify(schemasHash())};\n`;
}
