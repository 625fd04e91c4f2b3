/**
 * Writes schemas/*.schema.json (the default vocabulary's, built by src/schema-source.ts), then generated/types/index.ts
 * from those schemas (json-schema-to-typescript turns each schema into declarations, ts-morph assembles them into one
 * readonly module), and docs/vocabulary.md from the vocabulary.
 * `--check` writes nothing and exits 1 when either is stale (the test suite runs it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { schemaText } from "../src/schemas.js";
import { DEFAULT_VOCABULARY } from "../src/vocabulary.js";
import { renderTypes } from "./render-types.js";
import { renderVocabulary } from "./render-vocabulary.js";

const check = process.argv.includes("--check");
const stale: string[] = [];

function put(path: string, text: string): void {
  const old = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  if (old === text) return;
  if (check) stale.push(path);
  else writeFileSync(path, text);
}

const schemas = DEFAULT_VOCABULARY.schemas.schemas;
mkdirSync("schemas", { recursive: true });
for (const [kind, schema] of Object.entries(schemas)) put(`schemas/${kind}.schema.json`, schemaText(schema));
mkdirSync("generated/types", { recursive: true });
put("generated/types/index.ts", await renderTypes(schemas));
put("docs/vocabulary.md", renderVocabulary(DEFAULT_VOCABULARY));

if (stale.length) {
  console.error(`stale (run npm run generate): ${stale.join(", ")}`);
  process.exit(1);
}
