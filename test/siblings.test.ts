/** JD047: a platform added beside a sibling (linux64-pgo beside linux64) and the run-on patterns that leave it out. */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { REPO, runCli } from "./helpers/tree.js";

/** The embedded configs/ with a linux64-pgo platform made from linux64.yml, as someone adding it would. */
function withPgo(edit: (root: string) => void = () => {}): string {
  const root = mkdtempSync(join(tmpdir(), "jobdef-siblings-"));
  cpSync(join(REPO, "configs"), join(root, "configs"), { recursive: true });
  const linux64 = readFileSync(join(root, "configs/platforms/linux64.yml"), "utf8");
  writeFileSync(
    join(root, "configs/platforms/linux64-pgo.yml"),
    linux64.replace("machine: linux64\n", "machine: linux64-pgo\n"),
  );
  edit(root);
  return root;
}

const json = (root: string, ...args: string[]) => {
  const r = runCli(["validate", "--root", root, "--format", "json", ...args]);
  return {
    code: r.code,
    list: JSON.parse(r.stderr) as { code: string; file: string; line: number; message: string; severity: string }[],
  };
};

test("a new sibling platform: one warning per run-on pattern that names only the old one, with where it is", () => {
  const root = withPgo();
  const { code, list } = json(root);
  assert.equal(code, 0);
  const jd047 = list.filter((d) => d.code === "JD047");
  assert.deepEqual(
    jd047.map((d) => d.file.replace("configs/suites/", "")),
    [
      "crashtest-e10s.yml",
      "luciddream.yml",
      "marionette.yml",
      "mozlint-flake8.yml",
      "reftest-e10s.yml",
      "reftest-no-accel.yml",
      "web-platform-tests-reftests.yml",
      "web-platform-tests.yml",
      "webapprt-chrome.yml",
    ],
  );
  assert.ok(jd047.every((d) => d.severity === "warning"));
  const marionette = jd047.find((d) => d.file.endsWith("marionette.yml"))!;
  assert.equal(marionette.line, 7);
  assert.match(
    marionette.message,
    /^run-on\.platforms\[0\]: "linux\(32\|64\)" fully matches linux64 but not linux64-pgo, its sibling \(same os and tags\): linux64-pgo loses marionette, which linux64 runs \(branches: [^)]*mozilla-central[^)]*\); write "\(\?:linux\(32\|64\)\)\(-pgo\)\?" if both should run it/,
  );
  assert.equal(runCli(["validate", "--root", root, "--strict"]).code, 1);
  rmSync(root, { recursive: true, force: true });
});

test("the pattern widened as suggested, or a tag of the platform's own: no warning", () => {
  const widened = withPgo((root) => {
    const f = join(root, "configs/suites/marionette.yml");
    writeFileSync(f, readFileSync(f, "utf8").replace('"linux(32|64)"', '"(?:linux(32|64))(-pgo)?"'));
  });
  const left = json(widened).list.filter((d) => d.code === "JD047");
  assert.equal(left.length, 8);
  assert.ok(!left.some((d) => d.file.endsWith("marionette.yml")));
  rmSync(widened, { recursive: true, force: true });
  const tagged = withPgo((root) => {
    const f = join(root, "configs/platforms/linux64-pgo.yml");
    writeFileSync(
      f,
      readFileSync(f, "utf8").replace("tags: [desktop, e10s-capable]", "tags: [desktop, e10s-capable, pgo]"),
    );
  });
  assert.equal(json(tagged).list.filter((d) => d.code === "JD047").length, 0);
  rmSync(tagged, { recursive: true, force: true });
});

test("the embedded tree has no sibling differences (linux64-asan carries a tag of its own)", () => {
  const { code, list } = json(REPO);
  assert.equal(code, 0);
  assert.deepEqual(
    list.filter((d) => d.code === "JD047"),
    [],
  );
});
