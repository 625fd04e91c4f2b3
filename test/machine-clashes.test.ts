/** JD041 across platforms that report under one Treeherder machine, whatever scheduler runs the jobs. */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { test } from "node:test";
import { BASE, runCli, writeTree } from "./helpers/tree.js";

/** BASE with linux64-pgo: linux64.yml under a new name, the Treeherder machine as given. */
const pgo = (machine: string, extra: Record<string, string> = {}) =>
  writeTree({
    "configs/platforms/linux64-pgo.yml": BASE["configs/platforms/linux64.yml"].replace(
      "treeherder: {machine: linux64}",
      `treeherder: {machine: ${machine}}`,
    ),
    ...extra,
  });

type D = { code: string; file: string; line: number; message: string; related: { file: string; message: string }[] };

function diagnostics(args: string[]): { code: number | null; list: D[] } {
  const r = runCli([...args, "--format", "json"]);
  return { code: r.code, list: r.stderr.trim() ? (JSON.parse(r.stderr) as D[]) : [] };
}

test("two platforms under one machine: their equal symbols are JD041 in validate and compile", () => {
  const root = pgo("linux64");
  for (const args of [["validate"], ["compile", "--out", `${root}/out`]]) {
    const { code, list } = diagnostics([...args, "--root", root]);
    assert.equal(code, 1, args.join(" "));
    const jd041 = list.filter((d) => d.code === "JD041");
    assert.equal(jd041.length, 1, JSON.stringify(list));
    const [d] = jd041;
    assert.equal(d.file, "configs/suites/plain.yml");
    assert.match(
      d.message,
      /^Treeherder symbol M\(\d\) on machine linux64 \((opt|debug)\) is produced by test-linux64-pgo\/\w+-plain-\d and test-linux64\/\w+-plain-\d on central: platforms linux64 and linux64-pgo report under the same Treeherder machine.*\(and 3 more jobs of these platforms and suites\)$/,
    );
    assert.deepEqual(
      d.related.map((r) => r.file),
      ["configs/suites/plain.yml", "configs/platforms/linux64.yml", "configs/platforms/linux64-pgo.yml"],
    );
  }
  rmSync(root, { recursive: true, force: true });
});

test("on every scheduler: a buildbot-only platform and a TaskCluster-only one still clash", () => {
  const root = pgo("linux64", {
    "configs/suites/plain.yml": `${BASE["configs/suites/plain.yml"]}scheduler: {by-platform: {linux64-pgo: taskcluster, default: buildbot}}\n`,
  });
  const { code, list } = diagnostics(["validate", "--root", root]);
  assert.equal(code, 1);
  assert.ok(list.some((d) => d.code === "JD041" && d.message.includes("machine linux64")));
  rmSync(root, { recursive: true, force: true });
});

test("a machine of its own, or other build types, and nothing clashes", () => {
  const own = pgo("linux64-pgo");
  assert.equal(runCli(["validate", "--root", own]).code, 0);
  rmSync(own, { recursive: true, force: true });
  const pgoOnly = writeTree({
    "configs/platforms/linux64-pgo.yml": BASE["configs/platforms/linux64.yml"].replace(
      "build-types: [opt, debug]",
      "build-types: [pgo]",
    ),
  });
  const r = runCli(["validate", "--root", pgoOnly]);
  assert.equal(r.code, 0, r.stderr);
  rmSync(pgoOnly, { recursive: true, force: true });
});
