/** Stage 1, load: read the configs tree and parse every file once, keeping source positions. */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { CONFIG_DIRS as DIRS } from "./config-dirs.js";
import { unreadConfigEntry, unreadTopEntries } from "./config-entries.js";
import { type Diagnostic, error, fail, ok, type Result } from "./diagnostics.js";
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
export function loadTree(root: string): Result<LoadedTree> {
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
  const read = (abs: string, kind: FileKind, name: string, realDir: string | undefined) =>
    readSource(abs, relPath(root, abs), kind, name, realRoot, realDir, diagnostics);

  diagnostics.push(...unreadTopEntries(configs, readdirSync(configs)));
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
    let entries: string[];
    let realDir: string;
    try {
      entries = readdirSync(join(configs, dir)).sort();
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

function relPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join("/");
}

function readSource(
  abs: string,
  path: string,
  kind: FileKind,
  name: string,
  realRoot: string,
  /** The real path of `abs`'s directory, when known: then only a file that is a link needs resolving. */
  realDir: string | undefined,
  out: Diagnostic[],
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
    bytes = readFileSync(abs);
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
  return parseSource(path, kind, name, text, out);
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
