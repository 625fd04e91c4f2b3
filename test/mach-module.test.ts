/**
 * integrations/mach/jobdef_mach.py, as a 2015 testing/mach_commands.py would use it: under python3 and Python 2.7,
 * every generated mach config of the embedded tree gives a TEST_SUITES whose every suite and alias dispatches the
 * emitted mach command and kwargs; suites the 2015 hand-written TEST_SUITES had come out the same; and a kwarg a
 * harness's mach commands do not accept is a compile error (JD046) at the line that wrote it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { requireShared } from "./helpers/shared.js";
import { BASE, BIN, REPO, writeTree } from "./helpers/tree.js";

const MODULE_DIR = join(REPO, "integrations", "mach");
const GENERATED = join(REPO, "generated");
const DRIVER = join(REPO, "test", "python", "mach_test_command.py");
const UNKNOWN = "no-such-suite";

type Entry = { mach_command: string; aliases: string[]; kwargs: Record<string, unknown> };
type Reply = {
  python: string;
  configs: Record<
    string,
    {
      dispatched: Record<string, [string, unknown][]>;
      legacy: Record<string, Entry>;
      unknown: string | null;
      not_native: string[][];
    }
  >;
};

/** Every (branch, platform) compiled for mach in generated/. */
function machConfigs(): [string, string][] {
  const dir = join(GENERATED, "mach");
  return readdirSync(dir)
    .sort()
    .flatMap((b) =>
      readdirSync(join(dir, b))
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f): [string, string] => [b, f.slice(0, -5)]),
    );
}

function emitted(branch: string, platform: string): Record<string, Entry> {
  const data = JSON.parse(readFileSync(join(GENERATED, "mach", branch, `${platform}.json`), "utf8"));
  delete data.$generated;
  return data;
}

function runDriver(command: string, env: NodeJS.ProcessEnv, configs: [string, string][]): Reply {
  const request = { module_dir: MODULE_DIR, generated: GENERATED, configs, unknown: UNKNOWN };
  const r = spawnSync(command, [DRIVER], { input: JSON.stringify(request), encoding: "utf8", env, timeout: 60_000 });
  assert.equal(r.status, 0, `${command} ${DRIVER}: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout) as Reply;
}

const INTERPRETERS: [string, string, NodeJS.ProcessEnv, string][] = [
  ["python3", "python3", process.env, "3."],
  ["Python 2.7", "python2", { ...process.env, PYENV_VERSION: "2.7.18" }, "2.7"],
];

for (const [name, command, env, version] of INTERPRETERS) {
  test(`${name}: mach test <suite|alias> dispatches the emitted command and kwargs on every generated platform`, () => {
    const configs = machConfigs();
    assert.ok(configs.length >= 2, "generated/mach holds configs");
    const reply = runDriver(command, env, configs);
    assert.ok(reply.python.startsWith(version), `ran under ${reply.python}`);
    for (const [branch, platform] of configs) {
      const got = reply.configs[`${branch}/${platform}`]!;
      const suites = emitted(branch, platform);
      for (const [suite, e] of Object.entries(suites))
        assert.deepEqual(
          got.dispatched[suite],
          [[e.mach_command, e.kwargs]],
          `${branch}/${platform}: mach test ${suite}`,
        );
      const aliases = new Set(Object.values(suites).flatMap((e) => e.aliases));
      for (const alias of [...aliases].filter((a) => !(a in suites))) {
        const want = Object.keys(suites)
          .sort()
          .filter((s) => suites[s]!.aliases.includes(alias))
          .map((s) => [suites[s]!.mach_command, suites[s]!.kwargs]);
        assert.deepEqual(got.dispatched[alias], want, `${branch}/${platform}: mach test ${alias}`);
      }
      assert.match(
        got.unknown ?? "",
        new RegExp(`${UNKNOWN} is not a test suite or alias`),
        "unknown names are refused",
      );
      assert.deepEqual(got.not_native, [], "Python 2 gets native str, never unicode");
    }
  });
}

test("suites the 2015 hand-written TEST_SUITES had resolve to the same command, aliases and kwargs", () => {
  const reference = JSON.parse(
    readFileSync(requireShared("reference", "mach", "gecko-2015.testing.mach_commands.TEST_SUITES.json"), "utf8"),
  ).TEST_SUITES as Record<string, Partial<Entry>>;
  const reply = runDriver("python3", process.env, [["mozilla-central", "linux64"]]);
  const legacy = reply.configs["mozilla-central/linux64"]!.legacy;
  const common = Object.keys(legacy).filter((s) => s in reference);
  assert.ok(common.length >= 8, `suites in both: ${common.join(", ")}`);
  for (const suite of common) assert.deepEqual(legacy[suite], { aliases: [], ...reference[suite] }, suite);
});

test("a mach kwarg its harness's mach commands do not accept is JD046 at file:line:col; nothing is written", () => {
  const root = writeTree({
    "configs/suites/plain.yml": `${BASE["configs/suites/plain.yml"]}mach:\n  kwargs:\n    flavor: plain\n    flavr: plain\n`,
  });
  for (const cmd of [["validate"], ["compile"]]) {
    const r = spawnSync(BIN, [...cmd, "--root", root], { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /configs\/suites\/plain\.yml:8:12: error JD046: suite plain: mach keyword argument "flavr" is not accepted by the mach commands of harness mochitest; did you mean flavor\?/,
    );
    assert.match(r.stderr, /configs\/harnesses\/mochitest\.yml:\d+:\d+: harness mochitest lists/);
  }
  assert.equal(existsSync(join(root, "generated")), false, "compile wrote nothing");
});
