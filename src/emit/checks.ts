/**
 * What each target's emitter refuses, run without rendering any output: `validate` runs every target's checks on
 * every platform of every branch, so a tree `validate` passes is one `compile` accepts for any branch and target.
 * The emitters call the same functions, so the two cannot drift apart.
 */
import type { TargetName } from "../model.js";
import { checkBuildbot } from "./buildbot.js";
import { checkMach } from "./mach.js";
import { checkMozharness } from "./mozharness.js";
import type { EmitInput } from "./types.js";

export const TARGET_CHECKS: Record<TargetName, (input: EmitInput) => void> = {
  mozharness: checkMozharness,
  mach: checkMach,
  buildbot: checkBuildbot,
  // The task graph reports nothing: every value it reads was checked by the merged job's schema.
  taskcluster: () => {},
};
