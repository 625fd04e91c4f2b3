/** The layout of configs/, shared by `load` and by the hashing of a compile's inputs (inputs.ts). */
import type { FileKind } from "./source.js";

/** configs/defaults.yml, relative to the root. */
export const DEFAULTS_FILE = "configs/defaults.yml";

/** The directories of configs/ and the kind of `.yml` file each holds. */
export const CONFIG_DIRS: ReadonlyArray<[FileKind, string]> = [
  ["harness", "harnesses"],
  ["platform", "platforms"],
  ["branch", "branches"],
  ["suite", "suites"],
];
