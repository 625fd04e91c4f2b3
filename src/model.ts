/** The validated tree: typed views of every file, and the job layers the merge engine reads. */
import type { BranchFile, DefaultsFile, HarnessFile, PlatformFile } from "../generated/types/index.js";
import type { Patterns } from "./names.js";
import type { PathSegment, SourceFile } from "./source.js";
import type { Vocabulary } from "./vocabulary.js";

export type LayerKind = "built-in" | "defaults" | "harness" | "platform" | "suite" | "branch" | "command-line";
/** A target of the tree's vocabulary (src/vocabulary.ts). */
export type TargetName = string;

/** One layer of job values, and where it stands in its file. */
export interface Layer {
  readonly kind: LayerKind;
  readonly file: SourceFile | undefined;
  readonly path: readonly PathSegment[];
  readonly value: Readonly<Record<string, unknown>>;
}

export interface Harness {
  readonly name: string;
  readonly file: SourceFile;
  readonly spec: HarnessFile;
  readonly layer?: Layer;
}

export interface Platform {
  readonly name: string;
  readonly file: SourceFile;
  readonly spec: PlatformFile;
  readonly layer?: Layer;
}

export interface Branch {
  readonly name: string;
  readonly file: SourceFile;
  readonly spec: BranchFile;
  readonly layer?: Layer;
}

export interface Suite {
  readonly name: string;
  readonly file: SourceFile;
  readonly layer: Layer;
}

export interface TreeSettings {
  readonly checkedIn: { readonly branches: readonly string[]; readonly targets: readonly TargetName[] };
  readonly generatedDir: string;
  readonly owner: string;
  readonly indexPrefix: string;
  readonly treeherderGroups: Readonly<Record<string, string>>;
  readonly buildLabel: string;
  readonly deadline: string;
  readonly expires: string;
}

export interface Tree {
  readonly root: string;
  /** The attributes, operators and targets the tree was validated against. */
  readonly vocabulary: Vocabulary;
  /** The regexes of its patterns (keyed-by arms, run-on and branch rules), compiled once. */
  readonly patterns: Patterns;
  readonly settings: TreeSettings;
  readonly defaults: { readonly file: SourceFile; readonly spec: DefaultsFile; readonly layer?: Layer };
  readonly harnesses: ReadonlyMap<string, Harness>;
  readonly platforms: ReadonlyMap<string, Platform>;
  readonly branches: ReadonlyMap<string, Branch>;
  readonly suites: ReadonlyMap<string, Suite>;
}

export function layerOf(
  kind: LayerKind,
  file: SourceFile,
  path: readonly PathSegment[],
  value: unknown,
): Layer | undefined {
  return value && typeof value === "object" ? { kind, file, path, value: value as Record<string, unknown> } : undefined;
}

/** The build a platform's tests run against: its `build-platform`, or the platform's own name. */
export function buildPlatformOf(platform: Platform): string {
  return platform.spec["build-platform"] ?? platform.name;
}

/** The label of the build task a platform's tests of one build type depend on (tree setting `build-label`). */
export function buildLabelOf(tree: Tree, platform: Platform, buildType: string): string {
  return tree.settings.buildLabel
    .replaceAll("{platform}", buildPlatformOf(platform))
    .replaceAll("{build-type}", buildType);
}

/** Every build type some platform is tested in. */
export function buildTypesIn(tree: Tree): string[] {
  return [...new Set([...tree.platforms.values()].flatMap((p) => p.spec["build-types"]))];
}

/** The build types a branch tests a platform in: the platform's own, restricted by the branch's `build-types`. */
export function buildTypesOn(platform: Platform, branch: Branch): string[] {
  const only = branch.spec["build-types"];
  return platform.spec["build-types"].filter((t) => !only || only.includes(t));
}
