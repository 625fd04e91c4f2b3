/** Try syntax: parse the `try:` line of a commit message, then select jobs of a try branch. */
import type { Result } from "../diagnostics.js";
import type { BranchJobs } from "../expand.js";
import type { Tree } from "../model.js";
import { parseTrySyntax } from "./parse.js";
import { selectTryJobs, type TrySelection } from "./select.js";

export { restrictGraph } from "./graph.js";
export { type Choice, parseTrySyntax, type TryRequest } from "./parse.js";
export { selectTryJobs, type TrySelection } from "./select.js";
export { TRY_FILE } from "./tokens.js";

/** Parse and select in one step. */
export function chooseTryJobs(message: string, tree: Tree, branch: BranchJobs): Result<TrySelection> {
  const request = parseTrySyntax(message);
  return request.ok ? selectTryJobs(request.value, tree, branch) : request;
}
