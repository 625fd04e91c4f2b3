/** The emitter registry: a new target is one file and one entry here. */
import type { TargetName } from "../model.js";
import { emitBuildbot } from "./buildbot.js";
import { emitMach } from "./mach.js";
import { emitMozharness } from "./mozharness.js";
import { emitTaskcluster } from "./taskcluster.js";
import type { Emitter } from "./types.js";

export const EMITTERS: Record<TargetName, Emitter> = {
  mozharness: emitMozharness,
  mach: emitMach,
  buildbot: emitBuildbot,
  taskcluster: emitTaskcluster,
};
