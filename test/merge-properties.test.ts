/** Property tests of the merge: identity, key-order independence, no mutation, determinism. */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { stringify } from "yaml";
import { canonical } from "../src/emit/serialize.js";
import { MergePaths, mergeLayers, mergeOnto } from "../src/merge.js";
import { FieldMergeCache, MergeCache } from "../src/merge-cache.js";
import type { Layer } from "../src/model.js";
import { parseSource } from "../src/parse-yaml.js";

const key = fc.constantFrom("a", "b", "c", "d", "env", "options", "__proto__", "constructor");
const scalar = fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.boolean());
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    scalar,
    fc.array(scalar, { maxLength: 3 }),
    fc.record({ $append: fc.array(scalar, { maxLength: 2 }) }),
    fc.record({ "by-platform": fc.record({ "linux.*": tie("value"), default: tie("value") }) }),
    fc.dictionary(key, tie("value"), { maxKeys: 3 }),
  ),
}));
const layerValue = fc.dictionary(key, value, { maxKeys: 4 });
const ctx = { platform: "linux64", "build-type": "opt", branch: "central", os: "linux", suite: "s" } as const;

function layer(v: Record<string, unknown>, name = "l"): Layer {
  const file = parseSource(`${name}.yml`, "suite", name, stringify(v), []);
  if (!file) throw new Error("generated layer did not parse");
  return { kind: "suite", file, path: [], value: file.value as Record<string, unknown> };
}

const merged = (layers: Layer[]) => {
  const r = mergeLayers(layers, ctx);
  return JSON.stringify(canonical({ value: r.merged.value, errors: r.diagnostics.map((d) => d.code) }));
};

function shuffleKeys(v: unknown, seed: number): unknown {
  if (Array.isArray(v)) return v.map((x) => shuffleKeys(x, seed));
  if (v === null || typeof v !== "object") return v;
  const keys = Object.keys(v);
  const rotated = keys
    .slice(seed % Math.max(1, keys.length))
    .concat(keys.slice(0, seed % Math.max(1, keys.length)))
    .reverse();
  const out: Record<string, unknown> = {};
  for (const k of rotated)
    Object.defineProperty(out, k, {
      value: shuffleKeys((v as Record<string, unknown>)[k], seed + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

const RUNS = { numRuns: 300, seed: 20150601 };

test("merge property: an empty layer is the identity", () => {
  fc.assert(
    fc.property(layerValue, layerValue, (a, b) => {
      const ab = merged([layer(a), layer(b)]);
      assert.equal(merged([layer({}), layer(a), layer(b)]), ab);
      assert.equal(merged([layer(a), layer({}), layer(b)]), ab);
      assert.equal(merged([layer(a), layer(b), layer({})]), ab);
    }),
    RUNS,
  );
});

test("merge property: the result does not depend on key order", () => {
  fc.assert(
    fc.property(layerValue, layerValue, fc.nat(7), (a, b, seed) => {
      const shuffled = [shuffleKeys(a, seed), shuffleKeys(b, seed + 3)] as Record<string, unknown>[];
      assert.equal(merged(shuffled.map((v) => layer(v))), merged([layer(a), layer(b)]));
    }),
    RUNS,
  );
});

test("merge property: inputs are never mutated, and two runs agree", () => {
  fc.assert(
    fc.property(layerValue, layerValue, layerValue, (a, b, c) => {
      const layers = [layer(a), layer(b), layer(c)];
      const before = layers.map((l) => JSON.stringify(canonical(l.value)));
      const first = merged(layers);
      assert.deepEqual(
        layers.map((l) => JSON.stringify(canonical(l.value))),
        before,
      );
      assert.equal(merged(layers), first);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.getPrototypeOf({}), Object.prototype);
    }),
    RUNS,
  );
});

test("merge property: continuing a shared prefix equals one merge, and leaves the prefix untouched", () => {
  fc.assert(
    fc.property(layerValue, layerValue, layerValue, (a, b, c) => {
      const layers = [layer(a), layer(b), layer(c)];
      const prefix = mergeLayers(layers.slice(0, 1), ctx);
      fc.pre(prefix.diagnostics.length === 0);
      const before = JSON.stringify(canonical(prefix.merged.value));
      const continued = mergeOnto(prefix.merged, layers.slice(1), ctx);
      const whole = mergeLayers(layers, ctx);
      assert.equal(
        JSON.stringify(canonical({ value: continued.merged.value, errors: continued.diagnostics.map((d) => d.code) })),
        merged(layers),
      );
      assert.deepEqual(continued.merged.value, whole.merged.value);
      assert.equal(JSON.stringify(canonical(prefix.merged.value)), before);
    }),
    RUNS,
  );
});

test("merge property: the cached merges of one field and of shared layers equal merging every layer", () => {
  const contexts = [ctx, { ...ctx, platform: "win64", os: "windows" }, { ...ctx, "build-type": "debug" }];
  fc.assert(
    fc.property(fc.array(layerValue, { minLength: 1, maxLength: 4 }), key, (values, field) => {
      const layers = values.map((v, i) => layer(v, `l${i}`));
      const paths = new MergePaths();
      const fields = new FieldMergeCache(field, paths);
      const jobs = new MergeCache(paths);
      // twice over the contexts: the second round is answered from the caches
      for (const c of [...contexts, ...contexts]) {
        const one = fields.merge(layers, c);
        const all = mergeLayers(layers, c, field);
        assert.deepEqual(one.merged.value, all.merged.value);
        assert.deepEqual(
          one.diagnostics.map((d) => [d.code, d.message, d.line, d.column]),
          all.diagnostics.map((d) => [d.code, d.message, d.line, d.column]),
        );
        const job = jobs.merge(layers, c);
        const whole = mergeLayers(layers, c);
        assert.deepEqual(job.merged.value, whole.merged.value);
        assert.deepEqual(
          job.diagnostics.map((d) => [d.code, d.message]),
          whole.diagnostics.map((d) => [d.code, d.message]),
        );
      }
    }),
    RUNS,
  );
});
