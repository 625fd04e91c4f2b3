// `npm ci` / `npm install` in a checkout: builds dist/ (what bin/jobdef runs) when the build tools are installed.
// With `--omit=dev` they are not: a dist/ built before is kept and used, and without one bin/jobdef says so.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

let typescript = true;
try {
  createRequire(import.meta.url).resolve("typescript");
} catch {
  typescript = false;
}
if (typescript) execSync("npm run build", { stdio: "inherit" });
else if (!existsSync(new URL("../dist/src/cli/main.js", import.meta.url)))
  process.stderr.write("jobdef: dev dependencies omitted and no dist/: run `npm ci` with them once to build\n");
