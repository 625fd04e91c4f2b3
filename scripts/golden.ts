/**
 * `npm run golden`: rewrites the golden files — test/golden/ from the embedded tree (test/helpers/golden.ts) and the
 * golden-harness fixture's expected/ (test/fixtures/golden-harness/golden.ts) — then review them with git diff.
 */
import { checkGolden } from "../test/fixtures/golden-harness/golden.js";
import { goldenFiles, writeGolden } from "../test/helpers/golden.js";

const files = goldenFiles();
writeGolden(files);
process.env.UPDATE_GOLDEN = "1";
for (const target of ["mozharness", "mach"] as const) checkGolden(target);
process.stdout.write(
  `test/golden/: ${files.size} files, test/fixtures/golden-harness/expected/: rewritten; review: git diff test/\n`,
);
