/**
 * Builds one corpus case as a real tree in a temporary directory: the shared valid tree in `_base/`, with the
 * case's own `configs/` files laid over it, the files listed in `remove` deleted, and an optional generated setup
 * (inputs too big, too deep or too odd to commit).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LIMITS } from "../../src/limits.js";

export const CORPUS = dirname(fileURLToPath(import.meta.url));
export const BASE = join(CORPUS, "_base");
export const CATEGORIES = ["yaml", "schema", "semantics", "attacks", "accepted"] as const;

export interface Expected {
  /** What the case is about, for the test name. */
  readonly about: string;
  /** For bad inputs: the diagnostic that must be among those reported. */
  readonly code?: string;
  readonly file?: string;
  readonly line?: number | null;
  readonly column?: number | null;
  /** A fragment of the message, or several that must all appear. */
  readonly message?: string | readonly string[];
  /** Files of the base tree to delete (paths relative to the root). */
  readonly remove?: readonly string[];
  /** A generated input, see SETUPS. */
  readonly setup?: keyof typeof SETUPS;
}

export interface Case {
  readonly category: (typeof CATEGORIES)[number];
  readonly name: string;
  readonly dir: string;
  readonly expected: Expected;
}

/** Every case of the corpus, in a fixed order. */
export function listCases(): Case[] {
  const out: Case[] = [];
  for (const category of CATEGORIES) {
    const dir = join(CORPUS, category);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const caseDir = join(dir, name);
      const expected = JSON.parse(readFileSync(join(caseDir, "expected.json"), "utf8")) as Expected;
      out.push({ category, name, dir: caseDir, expected });
    }
  }
  return out;
}

/** Inputs generated at test time: 4 MiB, 10,000 levels and symbolic links do not belong in git. */
export const SETUPS = {
  /** A suite file one byte over the size limit (JD004). */
  oversize: (root: string) => {
    const head = "description: big\nharness: mochitest\ntreeherder: {symbol: BIG}\n# ";
    writeFileSync(join(root, "configs/suites/big.yml"), head + "x".repeat(4 * 1024 * 1024 + 1 - head.length));
  },
  /** A suite whose `env` nests 10,000 flow mappings deep (JD006, not a stack overflow). */
  "deep-nesting": (root: string) => {
    const depth = 10_000;
    const nested = `${"{a: ".repeat(depth)}x${"}".repeat(depth)}`;
    writeFileSync(
      join(root, "configs/suites/deep.yml"),
      `description: deep\nharness: mochitest\ntreeherder: {symbol: D}\nenv: ${nested}\n`,
    );
  },
  /** A suite that is a symbolic link to a file outside the root (JD008). */
  "symlink-outside": (root: string) => {
    const outside = join(dirname(root), "outside.yml");
    writeFileSync(outside, "description: stolen\nharness: mochitest\ntreeherder: {symbol: S}\n");
    symlinkSync(outside, join(root, "configs/suites/stolen.yml"));
  },
  /** A suite file that is a FIFO: opening it to read or to quote it would block forever (JD008). */
  fifo: (root: string) => {
    execFileSync("mkfifo", [join(root, "configs/suites/fifo.yml")]);
  },
  /** A sparse suite file of 64 GiB: refused by its size, never read, not even to quote its first line (JD004). */
  "sparse-huge": (root: string) => {
    const file = join(root, "configs/suites/huge.yml");
    writeFileSync(file, "description: huge\n");
    truncateSync(file, 64 * 1024 ** 3);
  },
  /** The platforms directory is a symbolic link to a directory outside the root (JD008 for each file). */
  "symlink-dir-outside": (root: string) => {
    const outside = join(dirname(root), "outside-platforms");
    cpSync(join(root, "configs/platforms"), outside, { recursive: true });
    rmSync(join(root, "configs/platforms"), { recursive: true });
    symlinkSync(outside, join(root, "configs/platforms"));
  },
  /** One file more than the limit of config files, all in configs/suites/ (JD066). */
  "many-files": (root: string) => {
    for (let i = 0; i < LIMITS.configFiles; i++) writeFileSync(join(root, `configs/suites/n${i}.yml`), "");
  },
  /** Suites of 4,000,000 bytes each until they pass the limit of all config files together (JD069). */
  "many-bytes": (root: string) => {
    const text = `description: big\nharness: mochitest\ntreeherder: {symbol: BIG}\n# ${"x".repeat(4_000_000)}\n`;
    for (let i = 0; i <= LIMITS.configBytes / 4_000_000; i++)
      writeFileSync(join(root, `configs/suites/z${i}.yml`), text);
  },
  /** A suite whose `env` has one entry more than the limit (JD067); flow style, the quickest to parse. */
  "many-entries": (root: string) => {
    const keys = Array.from({ length: LIMITS.entries + 1 }, (_, i) => `k${i}`).join(", ");
    writeFileSync(
      join(root, "configs/suites/busy.yml"),
      `description: busy\nharness: mochitest\ntreeherder: {symbol: B}\nenv: {${keys}}\n`,
    );
  },
} as const;

/** A fresh temporary directory holding `<tmp>/root` with the case's tree; the caller removes `<tmp>`. */
export function makeTree(c: Case): { tmp: string; root: string } {
  const tmp = mkdtempSync(join(tmpdir(), `jobdef-corpus-${c.name}-`));
  const root = join(tmp, "root");
  mkdirSync(root);
  cpSync(join(BASE, "configs"), join(root, "configs"), { recursive: true });
  const overlay = join(c.dir, "configs");
  if (existsSync(overlay)) cpSync(overlay, join(root, "configs"), { recursive: true });
  for (const file of c.expected.remove ?? []) rmSync(join(root, file), { recursive: true, force: true });
  if (c.expected.setup) SETUPS[c.expected.setup](root);
  return { tmp, root };
}

/** Files larger than this are hashed by their size alone (a sparse file of many GiB is not read). */
const HASHED_BYTES = 64 * 1024 * 1024;

/** One hash over every path, kind, link target and byte below `dir` (links are not followed). */
export function hashTree(dir: string): string {
  const h = createHash("sha256");
  const walk = (abs: string, rel: string) => {
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) h.update(`L ${rel} ${readlinkSync(abs)}\n`);
    else if (st.isDirectory()) {
      h.update(`D ${rel}\n`);
      for (const name of readdirSync(abs).sort()) walk(join(abs, name), `${rel}/${name}`);
    } else if (st.isFile()) {
      h.update(`F ${rel} ${st.size}\n`);
      if (st.size <= HASHED_BYTES) h.update(readFileSync(abs));
    } else h.update(`O ${rel}\n`);
  };
  walk(dir, ".");
  return h.digest("hex");
}
