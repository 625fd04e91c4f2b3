/** The jobdef package's own directory (holds schemas/), whether running from src/ through tsx or from dist/. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function find(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "schemas", "job.schema.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("jobdef: cannot find its schemas/ directory");
    dir = up;
  }
  return dir;
}

export const PACKAGE_ROOT = find();
