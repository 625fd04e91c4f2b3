/** Stage 1, load: read the configs tree and parse every file once, keeping source positions. */
import { closeSync, constants, existsSync, lstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import type { ParsedFiles } from "./cache/parsed-files.js";
import { CONFIG_DIRS as DIRS } from "./config-dirs.js";
import { boundedEntries, unreadConfigEntry, unreadTopEntries } from "./config-entries.js";
import { type Diagnostic, error, fail, ok, type Position, type Result } from "./diagnostics.js";
import { LIMITS } from "./limits.js";
import { NAME_RE } from "./names.js";
import { parseSource } from "./parse-yaml.js";
import type { FileKind, SourceFile } from "./source.js";
import { rememberSource } from "./source-text.js";

export interface LoadedTree {
  readonly root: string;
  readonly defaults: SourceFile;
  readonly harnesses: ReadonlyMap<string, SourceFile>;
  readonly platforms: ReadonlyMap<string, SourceFile>;
  readonly branches: ReadonlyMap<string, SourceFile>;
  readonly suites: ReadonlyMap<string, SourceFile>;
}

/** Reads `<root>/configs`. Every problem of every file is reported, not only the first. */
export function loadTree(root: string, parsed?: ParsedFiles): Result<LoadedTree> {
  const diagnostics: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const configs = join(root, "configs");
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
    if (!statSync(configs).isDirectory()) throw new Error("not a directory");
  } catch {
    return fail([error("JD009", `no configs/ directory under ${root}`, { file: "configs", line: 1, column: 1 })]);
  }
  const listing = listConfigs(configs);
  if (!listing.ok) return listing;
  const budget = { bytes: 0, refused: false };
  const read = (abs: string, kind: FileKind, name: string, realDir: string | undefined) =>
    readSource(abs, relPath(root, abs), kind, name, { realRoot, realDir, budget }, diagnostics, parsed);

  diagnostics.push(...unreadTopEntries(configs, listing.value.top));
  const defaultsPath = join(configs, "defaults.yml");
  const hasDefaults = existsSync(defaultsPath);
  const defaults = hasDefaults ? read(defaultsPath, "defaults", "defaults", undefined) : undefined;
  if (!hasDefaults)
    diagnostics.push(
      error("JD009", "missing configs/defaults.yml: tree settings and the job defaults every job starts from", {
        file: "configs/defaults.yml",
        line: 1,
        column: 1,
      }),
    );
  const maps = {} as Record<FileKind, Map<string, SourceFile>>;
  for (const [kind, dir] of DIRS) {
    const files = new Map<string, SourceFile>();
    maps[kind] = files;
    const entries = listing.value.dirs.get(dir);
    let realDir: string;
    try {
      if (!entries) throw new Error("missing");
      realDir = realpathSync(join(configs, dir));
    } catch {
      if (kind === "suite" || kind === "platform" || kind === "branch")
        diagnostics.push(
          error("JD009", `missing directory configs/${dir}/`, { file: `configs/${dir}`, line: 1, column: 1 }),
        );
      continue;
    }
    for (const entry of entries) {
      if (!entry.endsWith(".yml")) {
        const unread = unreadConfigEntry(join(configs, dir, entry), `configs/${dir}/${entry}`, dir, entry);
        if (unread) (unread.severity === "error" ? diagnostics : warnings).push(unread);
        continue;
      }
      const name = entry.slice(0, -4);
      const abs = join(configs, dir, entry);
      if (!NAME_RE.test(name)) {
        diagnostics.push(
          error("JD014", `"${name}" is not a valid ${kind} name: names match ${NAME_RE.source}`, {
            file: relPath(root, abs),
            line: 1,
            column: 1,
          }),
        );
        continue;
      }
      const file = read(abs, kind, name, realDir);
      if (file) files.set(name, file);
    }
  }
  if (diagnostics.length || !defaults) return fail([...diagnostics, ...warnings]);
  return ok(
    {
      root,
      defaults,
      harnesses: maps.harness,
      platforms: maps.platform,
      branches: maps.branch,
      suites: maps.suite,
    },
    warnings,
  );
}

interface Listing {
  /** The entries of configs/ itself. */
  readonly top: readonly string[];
  /** The sorted entries of each configs directory that could be read. */
  readonly dirs: ReadonlyMap<string, readonly string[]>;
}

/**
 * The entries of configs/ and of its directories, before any file is read: more than the limit of files is JD066,
 * and a directory is never listed past it (a million entries would cost memory and seconds before any check).
 */
function listConfigs(configs: string): Result<Listing> {
  let room = LIMITS.configFiles;
  const tooMany = (where: string): Result<Listing> =>
    fail([
      error(
        "JD066",
        `configs/ holds more than ${LIMITS.configFiles} entries (counting ${where}); the limit is ${LIMITS.configFiles} files in configs/ and its directories together`,
        { file: where.replace(/\/$/, ""), line: 1, column: 1 },
      ),
    ]);
  const top = boundedEntries(configs, room);
  if (!top) return tooMany("configs/");
  room -= top.length;
  const dirs = new Map<string, readonly string[]>();
  for (const [, dir] of DIRS) {
    let entries: string[] | undefined;
    try {
      entries = boundedEntries(join(configs, dir), room);
    } catch {
      continue; // missing or unreadable: reported as missing where it is used
    }
    if (!entries) return tooMany(`configs/${dir}/`);
    room -= entries.length;
    dirs.set(dir, entries);
  }
  return ok({ top, dirs });
}

function relPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join("/");
}

/** Where a file may be read from, and what the tree has read so far against JD069's limit. */
interface ReadPlace {
  readonly realRoot: string;
  /** The real path of the file's directory, when known: then only a file that is a link needs resolving. */
  readonly realDir: string | undefined;
  readonly budget: { bytes: number; refused: boolean };
}

function readSource(
  abs: string,
  path: string,
  kind: FileKind,
  name: string,
  { realRoot, realDir, budget }: ReadPlace,
  out: Diagnostic[],
  parsed: ParsedFiles | undefined,
): SourceFile | undefined {
  const at = { file: path, line: 1, column: 1 };
  let bytes: Buffer;
  try {
    // The real path of every file, not only of links: below a linked directory (configs/, suites/) is outside too.
    const link = lstatSync(abs);
    const target = realDir === undefined || link.isSymbolicLink() ? realpathSync(abs) : join(realDir, basename(abs));
    if (target !== realRoot && !target.startsWith(realRoot + sep)) {
      const what = link.isSymbolicLink() ? "is a symbolic link" : "is below a symbolic link";
      out.push(error("JD008", `${path} ${what} leaving the root (to ${target}); refused`, at));
      return undefined;
    }
    const real = link.isSymbolicLink() ? statSync(abs) : link;
    if (!real.isFile()) {
      out.push(error("JD008", `${path} is not a regular file`, at));
      return undefined;
    }
    if (real.size > LIMITS.fileBytes) {
      out.push(error("JD004", `${path} is ${real.size} bytes; the limit is ${LIMITS.fileBytes}`, at));
      return undefined;
    }
    if (!withinBudget(budget, real.size, at, out)) return undefined;
    bytes = readAtMost(abs, real.size);
  } catch (e) {
    out.push(error("JD008", `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`, at));
    return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    rememberSource(path, bytes.toString("utf8")); // what the caret display may quote, invalid bytes replaced
    const lines = bytes.subarray(0, bad).toString("utf8").split("\n");
    const column = lines[lines.length - 1].length + 1;
    out.push(
      error("JD007", `${path} is not valid UTF-8 (byte 0x${bytes[bad]?.toString(16)} at offset ${bad})`, {
        file: path,
        line: lines.length,
        column,
      }),
    );
    return undefined;
  }
  return parseSource(path, kind, name, text, out, parsed);
}

/**
 * The first `size` bytes of a regular file (its size when checked against the limits), so that a file growing after
 * the check is never read past them; without blocking, should a FIFO have taken its place. One `open`, `read` and
 * `close`: no `fstat`, whose answer is known (a tree of 20,000 files spends much of its load in system calls).
 */
function readAtMost(abs: string, size: number): Buffer {
  const fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const bytes = Buffer.allocUnsafe(size);
    let read = 0;
    for (let n = -1; n !== 0 && read < size; read += n) n = readSync(fd, bytes, read, size - read, read);
    return read === size ? bytes : bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * Counts a file's bytes against the limit on all config files together (JD069), before it is read: the file that
 * would pass the limit is reported, and no file is read after it.
 */
function withinBudget(budget: ReadPlace["budget"], size: number, at: Position, out: Diagnostic[]): boolean {
  if (budget.refused) return false;
  budget.bytes += size;
  if (budget.bytes <= LIMITS.configBytes) return true;
  budget.refused = true;
  const message = `the config files read up to ${at.file} hold ${budget.bytes} bytes together; the limit is ${LIMITS.configBytes} for all of a tree's config files (no file after it is read)`;
  out.push(error("JD069", message, at));
  return false;
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (the file failed to decode). */
function firstInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    if (n > 1) {
      try {
        decoder.decode(bytes.subarray(i, i + n));
      } catch {
        return i;
      }
    }
    i += n;
  }
  return bytes.length;
}
