/** The files of a generated directory, as `check` and the up-to-date proof see them. */
import { type Dirent, readdirSync } from "node:fs";
import { join } from "node:path";
import { INTERNAL_PREFIX, TYPES_DIR } from "./manifest.js";

/** Every file under `dir` (relative, `/`-separated), without `types/` and jobdef's own entries; [] when absent. */
export function listFiles(dir: string, prefix = ""): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(dir, prefix), { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return [];
    throw e;
  }
  const out: string[] = [];
  for (const e of entries) {
    if (!prefix && (e.name === TYPES_DIR || e.name.startsWith(INTERNAL_PREFIX))) continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}
