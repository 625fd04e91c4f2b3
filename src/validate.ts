/** Stage 2, validate: every file against its schema, job layers by check-layer, then the semantic rules. */

import type { BranchFile, DefaultsFile, HarnessFile, PlatformFile } from "../generated/types/index.js";
import { ajvDiagnostics } from "./ajv-errors.js";
import { checkJobLayer } from "./check-layer.js";
import { type Diagnostic, fail, ok, type Result, sortDiagnostics } from "./diagnostics.js";
import type { LoadedTree } from "./load.js";
import {
  type Branch,
  type Harness,
  layerOf,
  type Platform,
  type Suite,
  type Tree,
  type TreeSettings,
} from "./model.js";
import { Patterns } from "./names.js";
import { SEMANTIC_RULES } from "./rules.js";
import type { SourceFile } from "./source.js";
import type { Vocabulary } from "./vocabulary.js";

/** Files that passed their own checks in earlier runs (the CLI's cache: src/cache/parsed-files.ts). */
export interface CheckedFiles {
  passed(file: SourceFile): boolean;
  pass(file: SourceFile): void;
}

/** `checked`: files that passed their own checks before (which read only the file and `vocabulary`) are skipped. */
export function validateTree(loaded: LoadedTree, vocabulary: Vocabulary, checked?: CheckedFiles): Result<Tree> {
  const diagnostics: Diagnostic[] = [];
  const check = (file: SourceFile, kind: "defaults" | "harness" | "platform" | "branch" | "suite") => {
    if (checked?.passed(file)) return;
    const before = diagnostics.length;
    const validate = vocabulary.schemas.fileValidator(kind);
    if (!validate(file.value)) diagnostics.push(...ajvDiagnostics(validate.errors ?? [], file));
    const value = file.value as Record<string, unknown>;
    if (kind === "suite") checkJobLayer(value, file, [], diagnostics, vocabulary);
    else if (value.job !== undefined) checkJobLayer(value.job, file, ["job"], diagnostics, vocabulary);
    if (diagnostics.length === before) checked?.pass(file);
  };
  check(loaded.defaults, "defaults");
  for (const f of loaded.harnesses.values()) check(f, "harness");
  for (const f of loaded.platforms.values()) check(f, "platform");
  for (const f of loaded.branches.values()) check(f, "branch");
  for (const f of loaded.suites.values()) check(f, "suite");
  if (diagnostics.length) return fail(sortDiagnostics(diagnostics));

  const tree = buildTree(loaded, vocabulary);
  const warnings: Diagnostic[] = [];
  for (const rule of SEMANTIC_RULES) {
    for (const d of rule(tree)) (d.severity === "warning" ? warnings : diagnostics).push(d);
  }
  if (diagnostics.length) return fail(sortDiagnostics([...diagnostics, ...warnings]));
  return ok(tree, sortDiagnostics(warnings));
}

function buildTree(loaded: LoadedTree, vocabulary: Vocabulary): Tree {
  const d = loaded.defaults.value as DefaultsFile;
  // Harnesses, platforms and branches: a typed spec, and the file's `job` mapping as their layer.
  const withJob = <S extends { readonly job?: unknown }>(
    kind: "harness" | "platform" | "branch",
    files: ReadonlyMap<string, SourceFile>,
  ) =>
    new Map(
      [...files].map(([name, file]) => {
        const spec = file.value as S;
        return [name, { name, file, spec, layer: layerOf(kind, file, ["job"], spec.job) }];
      }),
    );
  const harnesses: Map<string, Harness> = withJob<HarnessFile>("harness", loaded.harnesses);
  const platforms: Map<string, Platform> = withJob<PlatformFile>("platform", loaded.platforms);
  const branches: Map<string, Branch> = withJob<BranchFile>("branch", loaded.branches);
  const suites = new Map<string, Suite>(
    [...loaded.suites].map(([name, file]) => [name, { name, file, layer: layerOf("suite", file, [], file.value)! }]),
  );
  return {
    root: loaded.root,
    vocabulary,
    patterns: new Patterns(),
    settings: treeSettings(d, [...branches.keys()], vocabulary),
    defaults: { file: loaded.defaults, spec: d, layer: layerOf("defaults", loaded.defaults, ["job"], d.job) },
    harnesses,
    platforms,
    branches,
    suites,
  };
}

function treeSettings(d: DefaultsFile, branchNames: string[], vocabulary: Vocabulary): TreeSettings {
  const t = d.tree ?? {};
  return {
    checkedIn: {
      branches: t["checked-in"]?.branches ?? branchNames,
      targets: t["checked-in"]?.targets ?? vocabulary.targetNames,
    },
    generatedDir: t["generated-dir"] ?? "generated",
    owner: t.owner ?? "nobody@example.com",
    indexPrefix: t["index-prefix"] ?? "gecko.v2",
    treeherderGroups: (t["treeherder-groups"] as Record<string, string> | undefined) ?? {},
    buildLabel: t["build-label"] ?? "build-{platform}/{build-type}",
    deadline: t.deadline ?? "1 day",
    expires: t.expires ?? "1 year",
  };
}
