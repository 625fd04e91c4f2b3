/**
 * Build step (`npm run build`, after tsc): precompiles every validator jobdef uses — the file kinds, the merged job
 * and each piece check-layer.ts checks — into ajv standalone code, dist/validators.cjs, stamped with the hash of
 * the schemas so src/schemas.ts ignores it once they change.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { validatorsCode } from "../src/precompile.js";
import { PRECOMPILED_FILE } from "../src/schemas.js";
import { DEFAULT_VOCABULARY } from "../src/vocabulary.js";

mkdirSync(dirname(PRECOMPILED_FILE), { recursive: true });
const tmp = `${PRECOMPILED_FILE}.${process.pid}.tmp`;
writeFileSync(tmp, validatorsCode(DEFAULT_VOCABULARY.schemas));
renameSync(tmp, PRECOMPILED_FILE);
