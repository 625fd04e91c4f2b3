/** What every emitter receives and returns. */
import type { Diagnostic } from "../diagnostics.js";
import type { BranchJobs } from "../expand.js";
import type { Tree } from "../model.js";

import type { OutputFile } from "./output-file.js";

export type { OutputFile } from "./output-file.js";

export interface EmitInput {
  readonly tree: Tree;
  readonly branch: BranchJobs;
  /** Collects an emitter's diagnostics (e.g. JD042); compile fails when any is an error. */
  readonly report: (d: Diagnostic) => void;
  /** Render every job from scratch (no chunk templates, no parts shared between chunks): the reference mode. */
  readonly reference?: boolean;
}

export type Emitter = (input: EmitInput) => OutputFile[];
