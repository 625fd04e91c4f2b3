/** One long-lived python3 process answering JSON-line requests (test/python/harness_check.py). */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "harness_check.py");

export type Reply = { ok: boolean; error?: string } & Record<string, unknown>;

export class PythonChecker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((reply: Reply) => void)[] = [];
  private stderr = "";

  constructor() {
    this.child = spawn("python3", ["-X", "utf8", SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr.on("data", (d) => {
      this.stderr += String(d);
    });
    createInterface({ input: this.child.stdout }).on("line", (line) =>
      this.waiting.shift()?.(JSON.parse(line) as Reply),
    );
    this.child.on("exit", (code) => {
      for (const w of this.waiting.splice(0)) w({ ok: false, error: `python3 exited (${code}): ${this.stderr}` });
    });
  }

  /** Sends one request; replies come back in order. */
  request(op: string, body: Record<string, unknown>): Promise<Reply> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${JSON.stringify({ op, ...body })}\n`);
    });
  }

  /**
   * Checks every `.py` output that has a `.json` sibling (literal-only, `config` equal to the JSON value, types
   * included); returns how many were checked and the failures as `path: error`.
   */
  async checkTwins(
    files: readonly { path: string; content: string }[],
  ): Promise<{ checked: number; failures: string[] }> {
    const byPath = new Map(files.map((f) => [f.path, f.content]));
    const twins = files.filter((f) => f.path.endsWith(".py") && byPath.has(f.path.replace(/\.py$/, ".json")));
    const replies = await Promise.all(
      twins.map((f) =>
        this.request("twin", { name: f.path, py: f.content, json: byPath.get(f.path.replace(/\.py$/, ".json")) }),
      ),
    );
    const failures = replies.flatMap((r, i) => (r.ok ? [] : [`${twins[i]!.path}: ${r.error}`]));
    return { checked: twins.length, failures };
  }

  close(): void {
    this.child.stdin.end();
  }
}
