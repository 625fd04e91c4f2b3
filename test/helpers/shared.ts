/** `../shared/` (the spec, the reference formats, the pinned 2015 consumers): where it is, and a clear stop without it. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./tree.js";

export const SHARED = join(REPO, "..", "shared");

/**
 * The path of `../shared/<parts>`, or an error saying what is missing and where it comes from. Tests that need the
 * pinned consumers or the reference call this first, so a checkout without `../shared/` fails with this message
 * instead of an ENOENT deep inside a test.
 */
export function requireShared(...parts: string[]): string {
  const path = join(SHARED, ...parts);
  if (!existsSync(path))
    throw new Error(
      `${path} is missing: this test needs the shared reference directory ../shared/ next to the repository ` +
        "(the spec, ../shared/reference/ and the pinned 2015 consumers in ../shared/consumers/)",
    );
  return path;
}
