/** Stage 1, load: read the configs tree and parse every file once, keeping source positions. */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { isAlias, isCollection, isPair, LineCounter, parseDocument, visit } from "yaml";
import { CONFIG_DIRS as DIRS } from "./config-dirs.js";
import { type Diagnostic, error, fail, ok, type Result } from "./diagnostics.js";
import { LIMITS } from "./limits.js";
import { NAME_RE } from "./names.js";
import { quickYaml } from "./quick-yaml.js";
import { type FileKind, SourceFile, YAML_OPTIONS } from "./source.js";
import { isMapping } from "./values.js";

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
      if (!entry.endsWith(".yml")) continue;
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
  if (diagnostics.length || !defaults) return fail(diagnostics);
  return ok({
    root,
    defaults,
    harnesses: maps.harness,
    platforms: maps.platform,
    branches: maps.branch,
    suites: maps.suite,
  });
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

/** Parses YAML text into a SourceFile; exported for `--set` values and tests. */
export function parseSource(
  path: string,
  kind: FileKind,
  name: string,
  text: string,
  out: Diagnostic[],
): SourceFile | undefined {
  const quick = quickYaml(text);
  if (quick !== undefined) return new SourceFile(path, kind, name, text, quick, undefined, undefined);
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines });
  const file = new SourceFile(path, kind, name, text, undefined, doc, lines); // positions only
  // An unknown tag (`!!python/object`) is only a warning to `yaml`; here it is an error, never silently a string.
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED")];
  const errors = problems.map((e) => {
    const code = e.code === "DUPLICATE_KEY" ? "JD002" : e.code === "RESOURCE_EXHAUSTION" ? "JD006" : "JD001";
    const message =
      e.code === "RESOURCE_EXHAUSTION"
        ? `nesting too deep to parse (limit ${LIMITS.depth})`
        : yamlMessage(e.code, e.message, text.slice(e.pos[0], e.pos[0] + 200));
    return error(code, message, file.at(errorOffset(text, e.code, e.message, e.pos[0])));
  });
  // an alias is written `*name`: a file without "*" has none to check
  if (!errors.length && text.includes("*")) errors.push(...aliasErrors(doc, file));
  if (errors.length) {
    out.push(...errors);
    return undefined;
  }
  const tooDeep = deepestNode(doc.contents);
  if (tooDeep) {
    out.push(error("JD006", `nesting deeper than ${LIMITS.depth} levels`, file.at(tooDeep)));
    return undefined;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: LIMITS.aliases });
  } catch (e) {
    if (e instanceof ReferenceError) {
      out.push(
        error("JD005", `too many alias expansions (limit ${LIMITS.aliases}): ${e.message}`, {
          file: path,
          line: 1,
          column: 1,
        }),
      );
      return undefined;
    }
    throw e;
  }
  const badNumber = findNonFinite(value, []);
  if (badNumber) {
    out.push(error("JD015", `${badNumber.value} is not a finite number`, file.positionOf(badNumber.path)));
    return undefined;
  }
  if (!isMapping(value)) {
    if (value === null || value === undefined) {
      out.push(error("JD003", `${path} is empty; a ${kind} file is a mapping`, { file: path, line: 1, column: 1 }));
    } else {
      out.push(
        error(
          "JD003",
          `${path} is a ${Array.isArray(value) ? "list" : "scalar"}; a ${kind} file is a mapping`,
          file.positionOf([]),
        ),
      );
    }
    return undefined;
  }
  return new SourceFile(path, kind, name, text, value, doc, lines);
}

function yamlMessage(code: string, message: string, source: string): string {
  if (code === "DUPLICATE_KEY") {
    const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n]*?)\s*:/.exec(source)?.[1];
    return `duplicate key${key ? ` ${key}` : ""}: keys of a mapping must be unique`;
  }
  if (code === "TAG_RESOLVE_FAILED")
    return `${message.split("\n")[0].replace(/ at line \d+, column \d+.*$/, "")} (only YAML's core tags are allowed)`;
  if (code === "MULTIPLE_DOCS") return "more than one YAML document (a second `---`); a config file holds one";
  const first = message.split("\n")[0].replace(/ at line \d+, column \d+.*$/, "");
  const hint =
    code === "BLOCK_AS_IMPLICIT_KEY" || code === "MULTILINE_IMPLICIT_KEY"
      ? " (check the indentation of the lines below)"
      : "";
  return `${first}${hint}`;
}

/** yaml reports an unclosed quote where the input ends; the opening quote is where the reader should look. */
function errorOffset(text: string, code: string, message: string, offset: number): number {
  if (code !== "MISSING_CHAR") return offset;
  const quote = /closing "quote/.test(message) ? '"' : /closing 'quote/.test(message) ? "'" : undefined;
  if (!quote) return offset;
  const open = text.lastIndexOf(quote, Math.min(offset, text.length - 1));
  return open >= 0 ? open : offset;
}

/** Aliases to no anchor, and aliases inside the node they name (a cycle: an infinite value). */
function aliasErrors(doc: ReturnType<typeof parseDocument>, file: SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Alias(_key, node, path) {
      const target = node.resolve(doc);
      const at = file.at(node.range?.[0] ?? 0);
      if (!target) out.push(error("JD001", `alias *${node.source} refers to no anchor before it`, at));
      else if (path.includes(target))
        out.push(error("JD005", `alias *${node.source} is inside its own anchor &${node.source}: a cycle`, at));
    },
  });
  return out;
}

/** Offset of the first node nested deeper than the limit (iterative: the tree may be arbitrarily deep). */
function deepestNode(root: unknown): number | undefined {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!node || typeof node !== "object" || isAlias(node)) continue;
    if (isCollection(node)) {
      if (depth >= LIMITS.depth) return node.range?.[0] ?? 0;
      for (const item of node.items) {
        if (isPair(item)) stack.push([item.value, depth + 1]);
        else stack.push([item, depth + 1]);
      }
    }
  }
  return undefined;
}

function findNonFinite(
  v: unknown,
  path: (string | number)[],
): { path: (string | number)[]; value: number } | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? undefined : { path, value: v };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = findNonFinite(v[i], [...path, i]);
      if (r) return r;
    }
  } else if (isMapping(v)) {
    for (const k of Object.keys(v)) {
      const r = findNonFinite(v[k], [...path, k]);
      if (r) return r;
    }
  }
  return undefined;
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
