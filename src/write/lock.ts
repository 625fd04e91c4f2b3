/** One writer at a time per generated directory: an O_EXCL-style lock file holding the owner's pid. */
import { linkSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { INTERNAL_PREFIX } from "../manifest.js";
import { OutputDirError } from "./output-error.js";

export const LOCK_NAME = `${INTERNAL_PREFIX}lock`;

/** The lock stayed held by a live process for longer than the timeout. */
export class LockTimeoutError extends OutputDirError {}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Whether a process with this pid exists (EPERM: it exists, owned by someone else). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function ownerPid(text: string): number {
  const [pid, host] = text.split("\n");
  // A lock from another machine (shared file system) can't be probed: treat it as alive.
  return host && host !== hostname() ? Number.MAX_SAFE_INTEGER : Number(pid);
}

function readOwner(path: string): number | undefined {
  try {
    return ownerPid(readFileSync(path, "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * Takes `<dir>/.jobdef-lock`, waiting while a live process holds it and breaking it when its owner is dead.
 * The lock is created complete (written under a private name, then hard-linked: link(2) fails if the name exists),
 * so a killed writer never leaves an empty lock. Returns the release function.
 */
export function acquireLock(dir: string, timeoutMs = 120_000): () => void {
  const path = join(dir, LOCK_NAME);
  const mine = join(dir, `${LOCK_NAME}.${process.pid}.${Math.random().toString(36).slice(2)}`);
  const token = `${process.pid}\n${hostname()}\n${mine}\n`;
  writeFileSync(mine, token);
  const deadline = Date.now() + timeoutMs;
  try {
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      try {
        linkSync(mine, path);
        return () => releaseLock(path, token);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const owner = readOwner(path);
      if (owner !== undefined && !isAlive(owner)) breakStaleLock(path, owner);
      else if (Date.now() > deadline)
        throw new LockTimeoutError(`${path} is held by process ${owner}; remove it if no jobdef compile is running`);
      else sleep(wait);
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

function releaseLock(path: string, token: string): void {
  try {
    if (readFileSync(path, "utf8") === token) unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

/**
 * Moves a dead owner's lock aside (rename is atomic: of several breakers only one gets it). If what we moved turns
 * out to be a live owner's fresh lock (it replaced the stale one between our read and rename), put it back.
 */
function breakStaleLock(path: string, deadPid: number): void {
  const aside = `${path}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  if (readOwner(aside) !== deadPid) {
    try {
      linkSync(aside, path);
    } catch {
      // someone took the lock meanwhile; the live owner keeps its lock file content either way
    }
  }
  rmSync(aside, { force: true });
}

/** Removes lock-side files (private names, moved-aside locks) left by killed processes. Call with the lock held. */
export function removeLockLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`${LOCK_NAME}.`)) continue;
    const pid = Number(name.slice(LOCK_NAME.length + 1).split(".")[name.includes(".stale.") ? 1 : 0]);
    if (!isAlive(pid)) rmSync(join(dir, name), { force: true });
  }
}
