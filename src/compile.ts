/** The pipeline, in plain sight: load → validate → expand → emit. The library never prints, writes or exits. */
import type { ParsedFiles } from "./cache/parsed-files.js";
import type { PlatformFiles } from "./cache/platform-files.js";
import type { UnitStore } from "./cache/unit-store.js";
import { type Diagnostic, fail, ok, type Result, sortDiagnostics } from "./diagnostics.js";
import type { OutputFile, OutputPieces } from "./emit/types.js";
import { type BranchJobs, checkJobs, expandTree } from "./expand.js";
import { loadTree } from "./load.js";
import { MachineClashes } from "./machine-clashes.js";
import type { Layer, TargetName, Tree } from "./model.js";
import { didYouMean } from "./names.js";
import { SiblingCoverage } from "./siblings.js";
import { validateTree } from "./validate.js";
import { byCodePoint } from "./values.js";
import { DEFAULT_VOCABULARY, type Vocabulary } from "./vocabulary.js";

export interface CompileOptions {
  readonly root: string;
  /** Branches to compile: names, or "all"; the tree's checked-in branches when absent. */
  readonly branches?: readonly string[] | "all";
  /** Targets to emit; the tree's checked-in targets when absent. */
  readonly targets?: readonly TargetName[];
  /** `--set` layers, already parsed. */
  readonly overrides?: readonly Layer[];
  /** Called once per stage with its duration (the CLI's --debug). */
  readonly onStage?: (stage: string, ms: number) => void;
  /**
   * Merge every job from all its layers and render every task on its own: no merge caches, no chunk templates.
   * Slower; the fast mode must give the same bytes (test/reference-mode.test.ts).
   */
  readonly reference?: boolean;
  /** Attributes, operators and targets; jobdef's own when absent. */
  readonly vocabulary?: Vocabulary;
  /** Serialised pieces of the last output to reuse where their inputs are unchanged (the CLI's cache). */
  readonly pieces?: OutputPieces;
  /** Units expanded by earlier runs, reused where their inputs are unchanged (the CLI's cache). */
  readonly units?: UnitStore;
  /** Values of config files parsed by earlier runs (the CLI's cache). */
  readonly parsed?: ParsedFiles;
  /** Per-platform files of earlier runs (the CLI's cache). */
  readonly platformFiles?: PlatformFiles;
}

type LoadOptions = Pick<CompileOptions, "onStage" | "vocabulary" | "parsed">;

export interface Compiled {
  readonly tree: Tree;
  readonly branches: readonly BranchJobs[];
  readonly targets: readonly TargetName[];
  readonly files: readonly OutputFile[];
}

function timed<T>(options: { onStage?: (s: string, ms: number) => void }, stage: string, run: () => T): T {
  const start = performance.now();
  const result = run();
  options.onStage?.(stage, performance.now() - start);
  return result;
}

/** Load and validate the tree (what `jobdef validate` runs). */
export function loadValidTree(root: string, options: LoadOptions = {}): Result<Tree> {
  // 1. read and parse every file once
  const loaded = timed(options, "load", () => loadTree(root, options.parsed));
  if (!loaded.ok) return loaded;
  // 2. schemas, then semantic rules
  const vocabulary = options.vocabulary ?? DEFAULT_VOCABULARY;
  // a file's own checks read jobdef's vocabulary, which the cache's code identity covers; another one's it does not
  const checked = vocabulary === DEFAULT_VOCABULARY ? options.parsed : undefined;
  const valid = timed(options, "validate", () => validateTree(loaded.value, vocabulary, checked));
  if (!loaded.warnings.length) return valid;
  return valid.ok
    ? ok(valid.value, sortDiagnostics([...loaded.warnings, ...valid.warnings]))
    : fail(sortDiagnostics([...loaded.warnings, ...valid.diagnostics]));
}

/** Expand jobs for the given branches (what `list`, `explain` and `try` need). */
export function expandJobs(
  tree: Tree,
  options: Pick<CompileOptions, "overrides" | "onStage" | "reference" | "units"> & {
    readonly branches?: readonly string[];
  },
): Result<BranchJobs[]> {
  const unknown = unknownBranches(tree, options.branches);
  if (unknown) return unknown;
  const { branches, diagnostics } = timed(options, "expand", () => expandTree(tree, options));
  const machines = new MachineClashes(tree);
  for (const b of branches) machines.add(b);
  diagnostics.push(...machines.diagnostics());
  return diagnostics.length ? fail(sortDiagnostics(diagnostics)) : ok(branches);
}

/** Every job of every branch checked as `expandJobs` checks it, none kept (what `validate` needs): the job count. */
export function checkAllJobs(tree: Tree, options: Pick<CompileOptions, "onStage"> = {}): Result<number> {
  const emitted: Diagnostic[] = [];
  const report = (d: Diagnostic) => emitted.push(d);
  // every target's checks too, platform by platform: what compile would refuse for any branch and target
  const siblings = new SiblingCoverage();
  const machines = new MachineClashes(tree);
  const onPlatform = (branch: BranchJobs) => {
    for (const target of Object.values(tree.vocabulary.targets)) target.check({ tree, branch, report });
    siblings.add(branch);
    machines.add(branch);
  };
  const { jobs, diagnostics } = timed(options, "expand", () => checkJobs(tree, { onPlatform }));
  const all = [...diagnostics, ...emitted, ...machines.diagnostics(), ...siblings.diagnostics(tree)];
  const errors = all.filter((d) => d.severity === "error");
  const warnings = all.filter((d) => d.severity !== "error");
  return errors.length ? fail(sortDiagnostics(all)) : ok(jobs, sortDiagnostics(warnings));
}

function unknownBranches(tree: Tree, names: readonly string[] = []): Result<never> | undefined {
  const unknown = names.filter((b) => !tree.branches.has(b));
  if (!unknown.length) return undefined;
  return fail(unknown.map((b) => unknownName("branch", b, [...tree.branches.keys()].sort())));
}

function unknownName(what: "branch" | "target", name: string, known: readonly string[]): Diagnostic {
  const message = `unknown ${what} "${name}"${didYouMean(name, known)}; ${what === "branch" ? "branches" : "targets"}: ${known.join(", ")}`;
  return { code: "JD020", severity: "error", message } as Diagnostic;
}

/** The whole pipeline: output files in memory, in a fixed order. */
export function compile(options: CompileOptions): Result<Compiled> {
  const tree = loadValidTree(options.root, options);
  if (!tree.ok) return tree;
  const branchNames =
    options.branches === "all"
      ? [...tree.value.branches.keys()].sort(byCodePoint)
      : options.branches?.length
        ? options.branches
        : tree.value.settings.checkedIn.branches;
  // 3. merge layers and expand chunks, per branch
  const expanded = expandJobs(tree.value, { ...options, branches: branchNames });
  if (!expanded.ok) return expanded;
  const targets = options.targets?.length ? options.targets : tree.value.settings.checkedIn.targets;
  const unknown = targets.filter((t) => !Object.hasOwn(tree.value.vocabulary.targets, t));
  if (unknown.length) return fail(unknown.map((t) => unknownName("target", t, tree.value.vocabulary.targetNames)));
  // 4. every registered emitter, for every branch
  const emitted: Diagnostic[] = [];
  const report = (d: Diagnostic) => emitted.push(d);
  const emitters = targets.map((t) => tree.value.vocabulary.targets[t].emit);
  const files = timed(options, "emit", () =>
    expanded.value.flatMap((branch) =>
      emitters.flatMap((emit) =>
        emit({
          tree: tree.value,
          branch,
          report,
          reference: options.reference,
          pieces: options.pieces,
          platformFiles: options.platformFiles,
        }),
      ),
    ),
  );
  if (emitted.some((d) => d.severity === "error")) return fail(sortDiagnostics(emitted));
  files.sort((a, b) => byCodePoint(a.path, b.path));
  return ok({ tree: tree.value, branches: expanded.value, targets, files }, [
    ...tree.warnings,
    ...sortDiagnostics(emitted),
  ]);
}
