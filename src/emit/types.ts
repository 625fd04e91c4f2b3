/** What every emitter receives and returns. */

import type { FilePieces } from "../cache/graph-pieces.js";
import type { PlatformFiles } from "../cache/platform-files.js";
import type { Diagnostic } from "../diagnostics.js";
import type { BranchJobs, Job } from "../expand.js";
import type { Branch, Tree } from "../model.js";

import type { OutputFile } from "./output-file.js";

export type { OutputFile } from "./output-file.js";

export interface EmitInput {
  readonly tree: Tree;
  readonly branch: BranchJobs;
  /** Collects an emitter's diagnostics (e.g. JD042); compile fails when any is an error. */
  readonly report: (d: Diagnostic) => void;
  /** Render every job from scratch (no chunk templates, no parts shared between chunks): the reference mode. */
  readonly reference?: boolean;
  /** Serialised pieces of the last output, reused where their unit is unchanged (the CLI's cache). */
  readonly pieces?: OutputPieces;
  /** Per-platform files of the last compile, reused where what they are made of is unchanged (the CLI's cache). */
  readonly platformFiles?: PlatformFiles;
}

/** Where a big output file's pieces come from: see src/cache/graph-pieces.ts. */
export interface OutputPieces {
  of(path: string, tree: Tree, branch: Branch): UnitPieces | undefined;
}

export interface UnitPieces {
  readonly file: FilePieces;
  /** The key of a job's unit (its suite on its platform and build type): src/cache/piece-keys.ts. */
  readonly keyOf: (job: Job) => string;
}

export type Emitter = (input: EmitInput) => OutputFile[];
