/** The layers a job is merged from, in their order. */

import type { Branch, Layer, Platform, Suite, Tree } from "../model.js";

/**
 * Below defaults.yml, taskgraph's defaults and the script of 2015's desktop suites: a tree need not repeat them, and
 * `explain` names them. A layer that sets one to null unsets it, and a key the job needs is then JD035 at the null.
 */
export const BUILT_IN_LAYER: Layer = {
  kind: "built-in",
  file: undefined,
  path: [],
  value: {
    chunks: 1,
    "max-run-time": 3600,
    retry: { retries: 5 },
    mozharness: { script: "scripts/desktop_unittest.py" },
  },
};

/** Whose layers a job has: a suite on a platform of a branch, run by a harness (or none). */
export interface LayerSources {
  readonly branch: Branch;
  readonly platform: Platform;
  readonly suite: Suite;
  readonly harness: string | undefined;
}

/** The merge order of SPEC §2: (built-in →) defaults → harness → platform → suite → branch → --set. */
export function layersFor(tree: Tree, of: LayerSources, overrides: readonly Layer[]): Layer[] {
  const harness = of.harness ? tree.harnesses.get(of.harness)?.layer : undefined;
  const below = [BUILT_IN_LAYER, tree.defaults.layer, harness, of.platform.layer, of.suite.layer, of.branch.layer];
  return [...below, ...overrides].filter(isLayer);
}

export function isLayer(l: Layer | undefined): l is Layer {
  return l !== undefined;
}
