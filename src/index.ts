/** The jobdef library: the pipeline and its stages, for decision tasks and tools. It never prints, writes or exits. */
export { type Compiled, type CompileOptions, checkAllJobs, compile, expandJobs, loadValidTree } from "./compile.js";
export { CODES, type Code, type Diagnostic, type Result } from "./diagnostics.js";
export type { OutputFile } from "./emit/types.js";
export type { BranchJobs, Job } from "./expand.js";
export { annotatedYaml, fieldOf, provenanceList } from "./explain-job.js";
export { type MaterializeOptions, materialize, taskIdFromSeed } from "./materialize.js";
export type { Origin } from "./merge.js";
export type { Tree } from "./model.js";
export { parseSetOverrides } from "./set-overrides.js";
export { chooseTryJobs, parseTrySyntax, restrictGraph, selectTryJobs } from "./try-syntax/index.js";
