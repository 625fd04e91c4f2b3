/** Long-running child processes of a test (a buildbot master, its workers): free ports, waits with deadlines, stops. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined; rejects after `seconds`. */
export async function waitFor<T>(what: string, seconds: number, probe: () => T | undefined, everyMs = 250): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The text of a file, or "" while it does not exist. */
export function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

/** Children started by a test, stopped together whatever happens (SIGTERM, then SIGKILL after a grace period). */
export class Children {
  private readonly running: ChildProcess[] = [];

  start(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): ChildProcess {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (d: Buffer) => {
      output = (output + String(d)).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    Object.defineProperty(child, "output", { get: () => output });
    this.running.push(child);
    return child;
  }

  /** Stops every child still running; resolves when all have exited (at most `graceSeconds` + 5 s). */
  async stopAll(graceSeconds = 20): Promise<void> {
    await Promise.all(this.running.map((c) => stop(c, graceSeconds)));
  }
}

function stop(child: ChildProcess, graceSeconds: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), graceSeconds * 1000);
    const giveUp = setTimeout(resolve, (graceSeconds + 5) * 1000);
    child.once("exit", () => {
      clearTimeout(kill);
      clearTimeout(giveUp);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** What a child printed last (stdout and stderr), for failure messages. */
export function outputOf(child: ChildProcess): string {
  return (child as ChildProcess & { output?: string }).output ?? "";
}
