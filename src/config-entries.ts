/**
 * Entries of configs/ that `load` does not read, judged so that none is skipped without a word: a suite in
 * `suites/sub/`, a `x.yaml` or `X.YML`, a misspelled `configs/platform/` are errors (the user meant them to be
 * read); a file that looks like a kept-aside config (`x.yml~`, `x.yml.orig`) is a warning; other files (README.md)
 * and hidden entries (`.gitkeep`) are ignored, as the README says.
 */
import { opendirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_DIRS, DEFAULTS_FILE } from "./config-dirs.js";
import { type Diagnostic, error } from "./diagnostics.js";
import { nearest } from "./names.js";

const YAML_LIKE = /\.ya?ml$/i;
const KEPT_ASIDE = /\.ya?ml\W/i;
const DIRS = CONFIG_DIRS.map(([, dir]) => dir);

/**
 * The diagnostic for an entry of `configs/<dir>/` that does not end in `.yml`, or undefined when it is rightly
 * ignored. `abs` is the entry's path; `rel` the same relative to the root.
 */
export function unreadConfigEntry(abs: string, rel: string, dir: string, entry: string): Diagnostic | undefined {
  const at = { file: rel, line: 1, column: 1 };
  if (entry.startsWith(".")) return undefined;
  if (isDirectory(abs))
    return error(
      "JD014",
      `${rel}/ is a directory, and is not read: configs/${dir}/ holds one .yml file per ${kindOf(dir)}, with no subdirectories`,
      at,
    );
  if (YAML_LIKE.test(entry))
    return error(
      "JD014",
      `${rel} is not read: config files end in ".yml" (lower case); rename it to ${entry.replace(YAML_LIKE, ".yml")}`,
      at,
    );
  if (KEPT_ASIDE.test(entry))
    return {
      ...error(
        "JD014",
        `${rel} is not read: only files ending in ".yml" are (delete it if it is a left-over copy)`,
        at,
      ),
      severity: "warning",
    };
  return undefined;
}

/** Diagnostics for the entries of configs/ itself that are not read (anything but defaults.yml and DIRS). */
export function unreadTopEntries(configs: string, entries: readonly string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const defaults = DEFAULTS_FILE.slice("configs/".length);
  for (const entry of entries) {
    if (entry === defaults || DIRS.includes(entry) || entry.startsWith(".")) continue;
    const rel = `configs/${entry}`;
    const at = { file: rel, line: 1, column: 1 };
    if (isDirectory(join(configs, entry))) {
      const hint = nearest(entry, DIRS, 1);
      const expected = `configs/ holds ${defaults} and the directories ${DIRS.map((d) => `${d}/`).join(", ")}`;
      out.push(
        error(
          "JD014",
          `${rel}/ is not read: ${expected}${hint.length ? ` (did you mean configs/${hint[0]}/?)` : ""}`,
          at,
        ),
      );
    } else if (YAML_LIKE.test(entry) || KEPT_ASIDE.test(entry)) {
      out.push(error("JD014", `${rel} is not read: the only config file directly in configs/ is ${defaults}`, at));
    }
  }
  return out;
}

function isDirectory(abs: string): boolean {
  try {
    return statSync(abs, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false; // a link loop, say: not a directory anyone meant to be read
  }
}

function kindOf(dir: string): string {
  return CONFIG_DIRS.find(([, d]) => d === dir)?.[0] ?? dir;
}

/** The names in `dir`, sorted; undefined past `max` (then not all are read: a directory may hold millions). */
export function boundedEntries(dir: string, max: number): string[] | undefined {
  const handle = opendirSync(dir);
  try {
    const names: string[] = [];
    for (let e = handle.readSync(); e; e = handle.readSync()) {
      if (names.length === max) return undefined;
      names.push(e.name);
    }
    return names.sort();
  } finally {
    handle.closeSync();
  }
}
