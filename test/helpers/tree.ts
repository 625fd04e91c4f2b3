/** Writes small config trees into temporary directories (layering scenarios inline, as kustomize's tests do). */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { OutputFile } from "../../src/emit/output-file.js";

export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIN = join(REPO, "bin", "jobdef");

/** A minimal valid tree: one harness, two platforms (linux64 opt/debug, win32 opt), one branch, one suite. */
export const BASE: Record<string, string> = {
  "configs/defaults.yml": `tree:
  checked-in: {branches: [central], targets: [mozharness, mach, buildbot, taskcluster]}
  owner: ci@example.com
job:
  chunks: 1
  max-run-time: 3600
  retry: {retries: 5, on-exit-status: [4]}
  mozharness:
    script: scripts/desktop_unittest.py
    options: [--base]
`,
  "configs/harnesses/mochitest.yml": `description: Mochitest
run-file: runtests.py
tests-dir: mochitest
zip-dirs: ["mochitest/*"]
options: ["--appname=%(binary_path)s"]
mach-kwargs: [flavor, test_paths, subsuite, debugger, e10s]
job:
  mach: {command: mochitest}
`,
  "configs/platforms/linux64.yml": `description: Linux x64
os: linux
build-types: [opt, debug]
tags: [desktop]
treeherder: {machine: linux64}
worker: {implementation: docker-worker, provisioner: aws-provisioner-v1, worker-type: desktop-test, image: "taskcluster/desktop-test:0.4.4"}
`,
  "configs/platforms/win32.yml": `description: Windows 7
os: windows
build-types: [opt]
tags: [desktop]
treeherder: {machine: windows7-32}
worker: {implementation: generic-worker, provisioner: aws-provisioner-v1, worker-type: win7-32}
`,
  "configs/branches/central.yml": `description: trunk
repository: https://hg.mozilla.org/mozilla-central
platforms: [".*"]
`,
  "configs/suites/plain.yml": `description: Mochitest plain
harness: mochitest
treeherder: {symbol: "M()"}
chunks: 2
`,
};

/** Writes BASE overlaid with `files` (a value of null removes a BASE file) into a new temporary root. */
export function writeTree(files: Record<string, string | null> = {}, base: Record<string, string> = BASE): string {
  const root = mkdtempSync(join(tmpdir(), "jobdef-test-"));
  const all: Record<string, string | null> = { ...base, ...files };
  for (const [path, text] of Object.entries(all)) {
    if (text === null) continue;
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Runs the real bin/jobdef. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO,
    encoding: "utf8",
    env: { ...process.env, ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Output files as [path, text] pairs, for comparing two compiles (the files themselves hold functions). */
export function fileTexts(files: readonly OutputFile[]): [string, string][] {
  return files.map((f) => [f.path, f.content]);
}
