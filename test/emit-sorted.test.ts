/** Every JSON file compile writes has its keys in code-point order, whichever emitter built the objects. */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compile } from "../src/compile.js";
import { canonical, objectKeyOrder } from "../src/emit/serialize.js";
import { REPO } from "./helpers/tree.js";

test("emit: the JSON output of the embedded tree is in canonical key order", () => {
  const r = compile({ root: REPO, branches: ["mozilla-central", "try"] });
  assert.ok(r.ok);
  const json = r.value.files.filter((f) => f.path.endsWith(".json"));
  assert.ok(json.some((f) => f.path.startsWith("taskcluster/")));
  for (const f of json)
    assert.equal(`${JSON.stringify(canonical(JSON.parse(f.content)), null, 2)}\n`, f.content, f.path);
});

test("emit: canonical sorts what is unsorted and returns what is sorted as it is", () => {
  const sorted = { a: [{ b: 1, c: { d: 2 } }], e: "x" };
  assert.equal(canonical(sorted), sorted);
  const mixed = { z: 1, a: { y: [1, { q: 1, p: 2 }], b: 2 } };
  const out = canonical(mixed) as Record<string, unknown>;
  assert.notEqual(out, mixed);
  assert.equal(JSON.stringify(out), '{"a":{"b":2,"y":[1,{"p":2,"q":1}]},"z":1}');
  assert.deepEqual(mixed, { z: 1, a: { y: [1, { q: 1, p: 2 }], b: 2 } }, "the input is not changed");
  const proto = JSON.parse('{"z": 1, "__proto__": {"b": 1, "a": 2}}');
  assert.equal(JSON.stringify(canonical(proto)), '{"__proto__":{"a":2,"b":1},"z":1}');
});

test("emit: objectKeyOrder is the key order of an object built from sorted keys (array indices first)", () => {
  const key = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom("0", "00", "01", "1", "9", "10", "-1", "1.5", "4294967294", "4294967295", "4294967296", "$x"),
    fc.nat().map(String),
  );
  fc.assert(
    fc.property(fc.uniqueArray(key, { maxLength: 30 }), (keys) => {
      const expected = Object.keys(Object.fromEntries([...keys].sort().map((k) => [k, 0])));
      assert.deepEqual(objectKeyOrder([...keys]), expected);
    }),
    { numRuns: 2000 },
  );
});
