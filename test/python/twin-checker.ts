/** Long-lived python3 and python2.7 processes reading Python twins back (test/python/twin_check.py). */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

const SCRIPT = join(import.meta.dirname, "twin_check.py");

export interface TwinReply {
  readonly ok: boolean;
  readonly error?: string;
}

/** The interpreters that read twins: 2015's mozharness ran on Python 2.7 (pyenv's 2.7.18 here), today's on 3. */
export const PYTHONS = {
  python3: { command: "python3", env: {} },
  python2: { command: "python2", env: { PYENV_VERSION: "2.7.18" } },
} as const;

export class TwinChecker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((reply: TwinReply) => void)[] = [];
  private stderr = "";

  constructor(readonly python: keyof typeof PYTHONS) {
    const { command, env } = PYTHONS[python];
    this.child = spawn(command, [SCRIPT], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr.on("data", (d) => {
      this.stderr += String(d);
    });
    createInterface({ input: this.child.stdout }).on("line", (line) =>
      this.waiting.shift()?.(JSON.parse(line) as TwinReply),
    );
    this.child.on("exit", (code) => {
      for (const w of this.waiting.splice(0)) w({ ok: false, error: `${python} exited (${code}): ${this.stderr}` });
    });
  }

  /** Whether `py` is one literal assignment of `config` equal to the value of `json`. */
  check(name: string, py: string, json: string): Promise<TwinReply> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${JSON.stringify({ name, py, json })}\n`);
    });
  }

  /** Every `.py` file with a `.json` sibling: how many were checked, and the failures as `path: error`. */
  async checkFiles(
    files: readonly { path: string; content: string }[],
  ): Promise<{ checked: number; failures: string[] }> {
    const byPath = new Map(files.map((f) => [f.path, f.content]));
    const twins = files.filter((f) => f.path.endsWith(".py") && byPath.has(f.path.replace(/\.py$/, ".json")));
    const replies = await Promise.all(
      twins.map((f) => this.check(f.path, f.content, byPath.get(f.path.replace(/\.py$/, ".json"))!)),
    );
    const failures = replies.flatMap((r, i) => (r.ok ? [] : [`${twins[i].path}: ${r.error}`]));
    return { checked: twins.length, failures };
  }

  close(): void {
    this.child.stdin.end();
  }
}
