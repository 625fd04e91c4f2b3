/**
 * Who compiled: jobdef's version (recorded in the manifest, what output of the same inputs is promised to depend on)
 * and, for this machine's cache only, the identity of the code actually running, since a development checkout
 * changes its output without changing its version.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGE_ROOT } from "./package-root.js";

/** package.json's version. */
export const JOBDEF_VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
).version;

let identity: string | undefined;

/**
 * The version with a hash of the path, size and modification time of every file of the running code (the directory
 * of this module: src/, dist/src/ or, bundled, dist/; declarations left out) and of schemas/. Cheap (stats only, no reading); a rebuild
 * changes it, which costs one compile, never a wrong shortcut.
 */
export function codeIdentity(): string {
  if (identity !== undefined) return identity;
  const hash = createHash("sha256").update(JOBDEF_VERSION);
  for (const dir of [dirname(fileURLToPath(import.meta.url)), join(PACKAGE_ROOT, "schemas")]) statTree(dir, hash);
  identity = `${JOBDEF_VERSION}+${hash.digest("hex").slice(0, 16)}`;
  return identity;
}

function statTree(dir: string, hash: ReturnType<typeof createHash>): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) statTree(path, hash);
    // V8's code caches change on every build's warm-up, not with the code; declarations (.d.ts) are never run
    else if (!e.name.endsWith(".cache") && !e.name.endsWith(".d.ts")) {
      const s = statSync(path);
      hash.update(`${path}\0${s.size}\0${s.mtimeMs}\n`);
    }
  }
}
