/** The published schemas: current, documented, and in agreement with the validator the compiler runs. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import { loadValidTree } from "../src/compile.js";
import { REPO, writeTree } from "./helpers/tree.js";

const KINDS = ["defaults", "harness", "platform", "branch", "suite", "job", "job-layer"];
const schemas = Object.fromEntries(
  KINDS.map((k) => [k, JSON.parse(readFileSync(join(REPO, "schemas", `${k}.schema.json`), "utf8"))]),
);

function fullAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
  (addFormatsModule as unknown as { default: (a: Ajv2020) => void }).default(ajv);
  for (const k of KINDS) ajv.addSchema(schemas[k]);
  return ajv;
}

test("schemas: schemas/ and generated/types are what npm run generate writes", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/generate.ts", "--check"], {
    cwd: REPO,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
});

test("schemas: every schema has an $id and every property a title and a description", () => {
  const missing: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) walk(node[i], `${path}/${i}`);
      return;
    }
    if (!node || typeof node !== "object") return;
    const props = (node as { properties?: Record<string, Record<string, unknown>> }).properties;
    for (const [name, p] of Object.entries(props ?? {})) {
      if (name.startsWith("$")) continue;
      if (!p.title || !p.description) missing.push(`${path}/properties/${name}`);
    }
    for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
  };
  for (const k of KINDS) {
    assert.ok(schemas[k].$id, `${k} has no $id`);
    walk(schemas[k], k);
  }
  assert.deepEqual(missing, []);
});

test("schemas: every embedded config file validates against its full schema (editors see what the compiler sees)", () => {
  const ajv = fullAjv();
  const dirs: [string, string][] = [
    ["harnesses", "harness"],
    ["platforms", "platform"],
    ["branches", "branch"],
    ["suites", "suite"],
  ];
  const files: [string, string][] = [["configs/defaults.yml", "defaults"]];
  for (const [dir, kind] of dirs)
    for (const f of readdirSync(join(REPO, "configs", dir)).filter((f) => f.endsWith(".yml")))
      files.push([`configs/${dir}/${f}`, kind]);
  assert.ok(files.length > 10);
  for (const [file, kind] of files) {
    const text = readFileSync(join(REPO, file), "utf8");
    assert.match(
      text.split("\n")[0],
      new RegExp(`^# yaml-language-server: \\$schema=(\\.\\./)+schemas/${kind}\\.schema\\.json$`),
      `${file}: first line`,
    );
    const validate = ajv.getSchema(`https://jobdef.dev/schemas/${kind}.schema.json`)!;
    assert.ok(validate(parse(text)), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
});

test("schemas: invalid layers are refused by both the published schema and the compiler", () => {
  const ajv = fullAjv();
  const suite = ajv.getSchema("https://jobdef.dev/schemas/suite.schema.json")!;
  const bad = [
    { description: "d", harness: "h", treeherder: { symbol: "X" }, chunks: { "by-platform": { linux64: "x" } } },
    { description: "d", harness: "h", treeherder: { symbol: "X" }, chunks: { "by-plattform": { default: 1 } } },
    { description: "d", harness: "h", treeherder: { symbol: "X" }, chunks: { $append: [1] } },
    { description: "d", harness: "h", treeherder: { symbol: "X" }, mozharness: { options: { $replace: {} } } },
    { description: "d", harness: "h", treeherder: { symbol: "X" }, mozharness: { scirpt: "a" } },
  ];
  for (const value of bad) {
    assert.equal(suite(value), false, `schema accepted ${JSON.stringify(value)}`);
    const r = loadValidTree(
      writeTree({ "configs/suites/plain.yml": JSON.stringify({ ...value, harness: "mochitest" }) }),
    );
    assert.equal(r.ok, false, `compiler accepted ${JSON.stringify(value)}`);
  }
});
