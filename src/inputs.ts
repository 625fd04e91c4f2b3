/**
 * The inputs of a compile, by content: the sha256 of every file `load` reads (configs/defaults.yml and the `.yml`
 * files of configs/harnesses, platforms, branches and suites). Recorded in the manifest so that a later run can tell,
 * without compiling, that nothing it would read has changed.
 */
import { createHash } from "node:crypto";
import { type BigIntStats, lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_DIRS, DEFAULTS_FILE } from "./config-dirs.js";
import { boundedEntries, unreadConfigEntry, unreadTopEntries } from "./config-entries.js";
import { LIMITS } from "./limits.js";

/** Hashes of input files known from an earlier run, by the stat taken before reading (`src/cache/input-record.ts`). */
export interface KnownInputs {
  hashOf(path: string, stat: BigIntStats): string | undefined;
  /** `path` was read, of `stat` taken before, and hashed to `hash`. */
  read(path: string, stat: BigIntStats, hash: string): void;
}

/**
 * Root-relative path (`configs/suites/x.yml`) → sha256 hex, in path order; undefined for a tree whose reading is
 * more than reading bytes (a symbolic link anywhere in configs/, an unreadable entry): such a tree is never proven up
 * to date this way, only compiled. A file `known` knows by its stat is not read.
 */
export function hashInputs(root: string, known?: KnownInputs): Record<string, string> | undefined {
  const hashes: Record<string, string> = {};
  // over a limit of load's (JD066, JD004, JD069), nothing more is read: compiling reports it
  const budget = { files: LIMITS.configFiles, bytes: LIMITS.configBytes };
  try {
    if (!plainDirectory(join(root, "configs"))) return undefined;
    const top = boundedEntries(join(root, "configs"), budget.files);
    // an entry load reports (configs/platform/, x.yaml) is reported by compiling, never proven away
    if (!top || unreadTopEntries(join(root, "configs"), top).length) return undefined;
    budget.files -= top.length;
    if (
      lstatSync(join(root, DEFAULTS_FILE), { throwIfNoEntry: false }) &&
      !hashFile(root, DEFAULTS_FILE, { hashes, budget, known })
    )
      return undefined;
    for (const [, dir] of CONFIG_DIRS) {
      const abs = join(root, "configs", dir);
      const stat = lstatSync(abs, { throwIfNoEntry: false });
      if (!stat) continue;
      if (!stat.isDirectory()) return undefined;
      const entries = boundedEntries(abs, budget.files);
      if (!entries) return undefined;
      budget.files -= entries.length;
      for (const entry of entries) {
        if (entry.endsWith(".yml")) {
          if (!hashFile(root, `configs/${dir}/${entry}`, { hashes, budget, known })) return undefined;
        } else if (unreadConfigEntry(join(abs, entry), `configs/${dir}/${entry}`, dir, entry)) return undefined;
      }
    }
  } catch {
    return undefined;
  }
  return hashes;
}

function plainDirectory(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

interface Hashing {
  readonly hashes: Record<string, string>;
  readonly budget: { bytes: number };
  readonly known: KnownInputs | undefined;
}

/** Adds the hash of a regular file within the limits; false for anything else (a link, a directory named *.yml). */
function hashFile(root: string, path: string, { hashes, budget, known }: Hashing): boolean {
  const abs = join(root, path);
  const stat = lstatSync(abs, { bigint: true });
  const size = Number(stat.size);
  if (!stat.isFile() || size > LIMITS.fileBytes || size > budget.bytes) return false;
  budget.bytes -= size;
  let hash = known?.hashOf(path, stat);
  if (hash === undefined) {
    hash = createHash("sha256").update(readFileSync(abs)).digest("hex");
    known?.read(path, stat, hash);
  }
  hashes[path] = hash;
  return true;
}

/** Whether two input records name the same files with the same hashes. */
export function sameInputs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
