/**
 * Build step (`npm run build`, after tsc and build-validators): bundles the CLI from dist/src into dist/jobdef.cjs
 * with esbuild, then runs `jobdef compile` on the embedded tree (into a temporary directory) with
 * JOBDEF_WRITE_CODE_CACHE=1, so bin/jobdef writes V8's code cache of the bundle and of dist/validators.cjs with every
 * function that run compiled. bin/jobdef loads both through those caches; V8 ignores a cache made by another V8
 * version or with other flags, so a stale one only costs the time it would have saved.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { PACKAGE_ROOT } from "../src/package-root.js";

const dist = join(PACKAGE_ROOT, "dist");
const bundle = join(dist, "jobdef.cjs");
const tmp = `${bundle}.${process.pid}.tmp`;
rmSync(`${bundle}.cache`, { force: true });
await build({
  entryPoints: [join(dist, "src", "cli", "main.js")],
  outfile: tmp,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // the modules find the package (schemas/, the staging thread's script) from their own URL: the bundle's
  define: { "import.meta.url": "__jobdefBundleUrl" },
  banner: { js: 'const __jobdefBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
});
renameSync(tmp, bundle);

// the warm-up needs a tree: a package installed without configs/ runs without code caches
if (existsSync(join(PACKAGE_ROOT, "configs", "defaults.yml"))) {
  const out = mkdtempSync(join(tmpdir(), "jobdef-warm-up-"));
  try {
    execFileSync(
      process.execPath,
      [join(PACKAGE_ROOT, "bin", "jobdef"), "compile", "--quiet", "--no-cache", "--out", out],
      {
        cwd: PACKAGE_ROOT,
        env: { ...process.env, JOBDEF_WRITE_CODE_CACHE: "1" },
        stdio: "inherit",
      },
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
