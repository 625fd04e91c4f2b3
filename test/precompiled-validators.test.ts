/**
 * The precompiled validators (dist/validators.cjs, built by scripts/build-validators.ts) give exactly the errors of
 * the validators ajv compiles at run time, on the embedded tree's files and on mutations of them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { validatorsCode } from "../src/precompile.js";
import { type FileKind, fileSchemaId, type Precompiled, pieceExport } from "../src/schemas.js";
import { DEFAULT_VOCABULARY } from "../src/vocabulary.js";
import { REPO } from "./helpers/tree.js";

/** Loads the generated code as a module that resolves ajv from the repository, without writing it anywhere. */
function loadCode(code: string): Precompiled {
  const filename = join(REPO, "dist", "validators-test.cjs");
  const m = new Module(filename) as Module & { _compile(code: string, file: string): void; paths: string[] };
  m.filename = filename;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(join(REPO, "dist"));
  m._compile(code, filename);
  return m.exports as Precompiled;
}

const schemas = DEFAULT_VOCABULARY.schemas;
const precompiled = loadCode(validatorsCode(schemas));
const ajv = schemas.createAjv();

/** The value, then copies with each node (up to `limit`) replaced by wrong values or given an unknown key. */
function mutations(value: unknown, limit = 200): unknown[] {
  const out: unknown[] = [value];
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], [...path, i]);
    } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(value, []);
  const replace = (root: unknown, path: (string | number)[], make: (old: unknown) => unknown): unknown => {
    if (!path.length) return make(root);
    const copy = structuredClone(root) as Record<string | number, unknown>;
    let at = copy;
    for (const seg of path.slice(0, -1)) at = at[seg] as Record<string | number, unknown>;
    at[path[path.length - 1]] = make(at[path[path.length - 1]]);
    return copy;
  };
  for (const path of paths.slice(0, limit)) {
    out.push(replace(value, path, () => 12345));
    out.push(replace(value, path, () => "not-a-valid value"));
    out.push(replace(value, path, () => [null, { x: 1 }]));
    out.push(
      replace(value, path, (old) =>
        old && typeof old === "object" && !Array.isArray(old) ? { ...old, "unknwn-key": true } : { "unknwn-key": 1 },
      ),
    );
  }
  return out;
}

function errorsOf(v: ValidateFunction, value: unknown): unknown {
  return v(value) ? null : structuredClone(v.errors);
}

function assertSame(name: string, pre: ValidateFunction, compiled: ValidateFunction, values: unknown[]): void {
  for (const value of values)
    assert.deepStrictEqual(errorsOf(pre, value), errorsOf(compiled, value), `${name}: ${JSON.stringify(value)}`);
}

const DIRS: Record<string, FileKind> = {
  harnesses: "harness",
  platforms: "platform",
  branches: "branch",
  suites: "suite",
};

test("precompiled: every file kind gives the run-time validator's errors, mutations included", () => {
  const files: [FileKind, unknown][] = [
    ["defaults", parse(readFileSync(join(REPO, "configs", "defaults.yml"), "utf8"))],
  ];
  for (const [dir, kind] of Object.entries(DIRS))
    for (const f of readdirSync(join(REPO, "configs", dir))
      .filter((n) => n.endsWith(".yml"))
      .sort())
      files.push([kind, parse(readFileSync(join(REPO, "configs", dir, f), "utf8"))]);
  for (const [kind, value] of files) {
    const pre = precompiled[kind] as ValidateFunction;
    assert.equal(typeof pre, "function", kind);
    assertSame(kind, pre, ajv.getSchema(fileSchemaId(kind))!, mutations(value, 60));
    // A suite's job layer as a merged job: mostly invalid, which is the point.
    const layer = (value as { job?: unknown }).job ?? value;
    assertSame("job", precompiled.job as ValidateFunction, ajv.getSchema(fileSchemaId("job"))!, mutations(layer, 40));
  }
});

test("precompiled: every piece check-layer.ts checks gives the run-time validator's errors", () => {
  const samples: unknown[] = [1, -3, 2.5, "x", "", true, [], ["a", 1], [{}], {}, { a: 1 }, { a: "b" }, { a: [1] }];
  const keys = schemas.pieceKeys();
  assert.ok(keys.length > 20, `only ${keys.length} pieces`);
  for (const [key, schema] of keys) {
    const pre = precompiled[pieceExport(key)] as ValidateFunction;
    assert.equal(typeof pre, "function", key);
    assertSame(key, pre, ajv.compile(schemas.pieceSchema(schema)), samples);
  }
});

test("precompiled: the build's dist/validators.cjs is current, and used only while it matches the schemas", () => {
  const built = createRequire(import.meta.url)(join(REPO, "dist", "validators.cjs")) as Precompiled;
  assert.equal(built.SCHEMAS_HASH, schemas.hash, "dist/validators.cjs is stale: npm run build");
  assert.equal(precompiled.SCHEMAS_HASH, schemas.hash);
  // The fallback (no precompiled module) validates the embedded tree the same way.
  for (const env of [{}, { JOBDEF_NO_PRECOMPILED: "1" }]) {
    const r = spawnSync(process.execPath, [join(REPO, "bin", "jobdef"), "validate"], {
      cwd: REPO,
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    assert.equal(r.status, 0, r.stderr);
  }
});
