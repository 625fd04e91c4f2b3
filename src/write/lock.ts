/** One writer at a time per generated directory: an O_EXCL-style lock file holding the owner's pid. */
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
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

/** Who holds a lock, as its file says: a pid and a host; undefined for content jobdef never writes (garbage). */
interface Owner {
  readonly pid: number;
  readonly host: string;
}

function ownerOf(text: string): Owner | undefined {
  const [pid, host] = text.split("\n");
  // a lock without a host line is this machine's
  return /^[1-9]\d{0,9}$/.test(pid ?? "") ? { pid: Number(pid), host: host || hostname() } : undefined;
}

/**
 * The lock file's text, or undefined when there is none. Read without following a link or waiting on a FIFO: a lock
 * file that is not a regular file is garbage (null), as is one that is not jobdef's.
 */
function readLock(path: string): string | null | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP" || code === "EISDIR" || code === "ENXIO") return null;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > 4096) return null;
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** Whether the lock with this text is stale: garbage (a lock is written whole, never partly), or a dead local pid. */
function isStale(text: string | null): boolean {
  const owner = text === null ? undefined : ownerOf(text);
  // a lock held on another machine (a shared file system) can't be probed: it is waited for, never broken
  return owner === undefined || (owner.host === hostname() && !isAlive(owner.pid));
}

function holder(text: string | null): string {
  const owner = text === null ? undefined : ownerOf(text);
  if (!owner) return "";
  return owner.host === hostname() ? `process ${owner.pid}` : `process ${owner.pid} on host ${owner.host}`;
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
  try {
    writeFileSync(mine, token);
  } catch (e) {
    // /proc, /sys and the like: a directory that exists but takes no files of ours
    throw new OutputDirError(`cannot create a file in ${dir} (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  const deadline = Date.now() + timeoutMs;
  try {
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      try {
        linkSync(mine, path);
        return () => releaseLock(path, token);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const text = readLock(path);
      if (text === undefined) continue; // released meanwhile
      if (isStale(text)) breakStaleLock(path, text);
      else if (Date.now() > deadline)
        throw new LockTimeoutError(
          `${path} is held by ${holder(text)}; remove it if no jobdef compile is running ${holder(text).includes(" on host ") ? "there" : ""}`.trimEnd(),
        );
      else sleep(wait);
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

function releaseLock(path: string, token: string): void {
  try {
    if (readLock(path) === token) unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

/**
 * Moves a dead owner's lock aside (rename is atomic: of several breakers only one gets it). If what we moved turns
 * out to be a live owner's fresh lock (it replaced the stale one between our read and rename), put it back.
 */
function breakStaleLock(path: string, staleText: string | null): void {
  const aside = `${path}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  if (readLock(aside) !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // someone took the lock meanwhile; the live owner keeps its lock file content either way
    }
  }
  rmSync(aside, { force: true, recursive: true });
}

/** Removes lock-side files (private names, moved-aside locks) left by killed processes. Call with the lock held. */
export function removeLockLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`${LOCK_NAME}.`)) continue;
    const pid = Number(name.slice(LOCK_NAME.length + 1).split(".")[name.includes(".stale.") ? 1 : 0]);
    if (!isAlive(pid)) rmSync(join(dir, name), { force: true });
  }
}
