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

  close(): void {
    this.child.stdin.end();
  }
}
