/** Hangs guarded by a deadline, not by timing: a child process killed after a generous deadline is a failure. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Diagnostic } from "../../src/diagnostics.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "jobdef");

/** Generous on purpose: a loaded two-core machine is ~30× slower than a quiet one, and a hang never ends. */
export const DEADLINE_SECONDS = 60;

/** Runs `jobdef <args> --format json`; fails if it is still running at the deadline. Its diagnostics and exit code. */
export function jobdefWithDeadline(
  args: readonly string[],
  seconds = DEADLINE_SECONDS,
): { status: number | null; diagnostics: Diagnostic[]; stdout: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, "--format", "json"], {
    encoding: "utf8",
    timeout: seconds * 1000,
    killSignal: "SIGKILL",
    maxBuffer: 256 * 2 ** 20,
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT" || r.signal === "SIGKILL")
    assert.fail(`jobdef ${args.join(" ")} was still running after ${seconds} s: killed`);
  if (r.error) throw r.error;
  let diagnostics: Diagnostic[] = [];
  if (r.stderr.trim()) {
    try {
      diagnostics = JSON.parse(r.stderr);
    } catch {
      assert.fail(`stderr is not the JSON diagnostics list:\n${r.stderr.slice(0, 2000)}`);
    }
  }
  return { status: r.status, diagnostics, stdout: r.stdout };
}

/**
 * Runs `jobdef <args>` as people do (text output), before a deadline; `shell` runs first in the same process (e.g.
 * `ulimit`). Its exit code and output; an internal error (exit 70) fails the test.
 */
export function jobdefBefore(
  args: readonly string[],
  options: { shell?: string; seconds?: number } = {},
): { code: number | null; stdout: string; stderr: string } {
  const seconds = options.seconds ?? 120;
  const [program, argv] = options.shell
    ? ["sh", ["-c", `${options.shell}; exec "$0" "$@"`, process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  const r = spawnSync(program, argv, { encoding: "utf8", timeout: seconds * 1000, killSignal: "SIGKILL" });
  assert.notEqual(r.signal, "SIGKILL", `jobdef ${args.join(" ")} was still running after ${seconds} s`);
  assert.notEqual(r.status, 70, `an internal error of ${args.join(" ")}:\n${r.stderr}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
