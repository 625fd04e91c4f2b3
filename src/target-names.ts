/**
 * The names of jobdef's own output targets, in their order: what the CLI lists and checks `--target` against
 * without loading the emitters. `TARGETS` of vocabulary.ts declares each of them, and the type checker holds the two
 * to the same names.
 */
export const TARGET_NAMES = ["mozharness", "mach", "buildbot", "taskcluster"] as const;

export type DefaultTargetName = (typeof TARGET_NAMES)[number];
