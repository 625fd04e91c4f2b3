/**
 * The domain vocabulary, declared once: the attributes a value may be keyed by, the merge operators a layer may use,
 * and the output targets with their checks. Schemas (and through them the generated types and the editor schemas),
 * layer checks, semantic rules, expansion's job contexts and the emitters all read it from here, so adding an
 * attribute or a target is one entry below plus the code that gives it meaning (an emitter, a `valueOf`).
 *
 * A compile may be given another vocabulary (`compile({vocabulary})`): its schemas are built from it at run time.
 */
import { checkBuildbot, emitBuildbot } from "./emit/buildbot.js";
import { checkMach, emitMach } from "./emit/mach.js";
import { checkMozharness, emitMozharness } from "./emit/mozharness.js";
import { emitTaskcluster } from "./emit/taskcluster.js";
import type { EmitInput, Emitter } from "./emit/types.js";
import { type Branch, buildTypesIn, type Platform, type Tree } from "./model.js";
import { OS_FAMILIES } from "./schema-source.js";
import { SchemaSet } from "./schemas.js";
import { type DefaultTargetName, TARGET_NAMES } from "./target-names.js";

/** Where a value is resolved: a platform of a branch, and for a job its build type, suite and harness. */
export interface JobPlace {
  readonly branch: Branch;
  readonly platform: Platform;
  readonly buildType?: string;
  readonly suite?: string;
  /** Known once the job's own `harness` field is merged (which therefore cannot be keyed by harness). */
  readonly harness?: string;
}

/** The values of the attributes at one place: what a keyed-by value is resolved against. */
export type JobContext = Readonly<Record<string, string | undefined>>;

/** An attribute `by-<name>` may key a value by. */
export interface AttributeDecl {
  readonly name: string;
  readonly description: string;
  /** Its value at a place; undefined where it has none (a `default` arm then applies). */
  readonly valueOf: (place: JobPlace) => string | undefined;
  /** Every value it takes in a tree: an arm matching none of them is warned about as a likely typo. */
  readonly valuesIn: (tree: Tree) => readonly string[];
}

/** A `{$op: operand}` mapping a layer may write instead of a value; merge.ts gives each its meaning. */
export interface OperatorDecl {
  readonly name: OperatorName;
  /** The kind of field it may stand for: a list, a mapping, or any field. */
  readonly on: "list" | "mapping" | "any";
  /** Shown by the schemas (editors) as the alternative's title. */
  readonly title: string;
  /** Whether its operand may also be `null` (a literal null, for `$value`). */
  readonly nullable?: boolean;
  /** Its operand is the flag `true`, not a value of the field (`$inherit`). */
  readonly flag?: boolean;
}

/** An output target: its emitter, and the checks `validate` runs so a valid tree compiles for every target. */
export interface TargetDecl {
  readonly description: string;
  readonly emit: Emitter;
  /** What the emitter refuses, without rendering (the emitter calls the same functions). */
  readonly check: (input: EmitInput) => void;
  /** A scheduler: the job field `scheduler` may name it, and it writes only the jobs that run on it. */
  readonly schedules?: boolean;
}

export const OPERATOR_NAMES = ["$value", "$inherit", "$append", "$prepend", "$remove", "$replace"] as const;
export type OperatorName = (typeof OPERATOR_NAMES)[number];

/** In schema order: a literal first, then the list operators, then the mapping one. */
const OPERATORS: readonly OperatorDecl[] = [
  {
    name: "$value",
    on: "any",
    nullable: true,
    title: "A literal value, taken as it is: null, or a mapping that would otherwise read as an operator or keyed-by",
  },
  {
    name: "$inherit",
    on: "any",
    flag: true,
    title:
      "This layer sets nothing here: the value of the lower layers stands (as a keyed-by arm, `default: {$inherit: true}` overrides only the other arms)",
  },
  { name: "$append", on: "list", title: "Append items to the list of lower layers" },
  { name: "$prepend", on: "list", title: "Prepend items to the list of lower layers" },
  { name: "$remove", on: "list", title: "Remove items from the list of lower layers" },
  { name: "$replace", on: "mapping", title: "Replace the mapping of lower layers instead of merging into it" },
];

const names = (m: ReadonlyMap<string, unknown>) => [...m.keys()];

const ATTRIBUTES: readonly AttributeDecl[] = [
  {
    name: "platform",
    description: "the test platform's name (`platforms/<name>.yml`)",
    valueOf: (p) => p.platform.name,
    valuesIn: (tree) => names(tree.platforms),
  },
  {
    name: "build-type",
    description: "the build type (`opt`, `debug`, ...)",
    valueOf: (p) => p.buildType,
    valuesIn: buildTypesIn,
  },
  {
    name: "branch",
    description: "the branch's name (`branches/<name>.yml`)",
    valueOf: (p) => p.branch.name,
    valuesIn: (tree) => names(tree.branches),
  },
  {
    name: "os",
    description: "the platform's operating system family",
    valueOf: (p) => p.platform.spec.os,
    valuesIn: () => OS_FAMILIES,
  },
  {
    name: "suite",
    description: "the suite's name (`suites/<name>.yml`)",
    valueOf: (p) => p.suite,
    valuesIn: (tree) => names(tree.suites),
  },
  {
    name: "harness",
    description: "the job's harness (`harnesses/<name>.yml`)",
    valueOf: (p) => p.harness,
    valuesIn: (tree) => names(tree.harnesses),
  },
];

const TARGETS: Readonly<Record<DefaultTargetName, TargetDecl>> = {
  mozharness: {
    description: "per branch and platform, the config dict a mozharness script reads with --cfg (JSON and Python)",
    emit: emitMozharness,
    check: checkMozharness,
  },
  mach: { description: "per branch and platform, the suites mach runs locally", emit: emitMach, check: checkMach },
  buildbot: {
    description: "per branch, buildbot-configs suite tuples (JSON and Python)",
    emit: emitBuildbot,
    check: checkBuildbot,
    schedules: true,
  },
  taskcluster: {
    description: "per branch, the TaskCluster task graph",
    emit: emitTaskcluster,
    // every value the task graph reads was checked by the merged job's schema
    check: () => {},
    schedules: true,
  },
};

/** The terms the schemas are built from (a vocabulary without its code). */
export interface VocabularyTerms {
  readonly attributes: readonly string[];
  readonly operators: readonly OperatorDecl[];
  readonly targets: readonly string[];
  /** The values of the job field `scheduler`: every scheduling target, then `both`. */
  readonly schedulers: readonly string[];
}

export class Vocabulary {
  readonly operators: readonly OperatorDecl[] = OPERATORS;
  readonly attributeNames: readonly string[];
  readonly targetNames: readonly string[];
  private schemaSet: SchemaSet | undefined;

  constructor(
    readonly attributes: readonly AttributeDecl[],
    readonly targets: Readonly<Record<string, TargetDecl>>,
  ) {
    this.attributeNames = attributes.map((a) => a.name);
    this.targetNames = Object.keys(targets);
  }

  /** This vocabulary with more attributes and targets (a target of the same name replaces the old one). */
  with(more: { attributes?: readonly AttributeDecl[]; targets?: Readonly<Record<string, TargetDecl>> }): Vocabulary {
    return new Vocabulary([...this.attributes, ...(more.attributes ?? [])], { ...this.targets, ...more.targets });
  }

  /** The scheduling targets' names. */
  get schedulers(): readonly string[] {
    return this.targetNames.filter((t) => this.targets[t].schedules);
  }

  get terms(): VocabularyTerms {
    return {
      attributes: this.attributeNames,
      operators: this.operators,
      targets: this.targetNames,
      schedulers: [...this.schedulers, "both"],
    };
  }

  /** The schemas built from this vocabulary and their validators, made on first use. */
  get schemas(): SchemaSet {
    this.schemaSet ??= new SchemaSet(this.terms);
    return this.schemaSet;
  }

  /** Every attribute's value at `place`. */
  contextOf(place: JobPlace): JobContext {
    const ctx: Record<string, string | undefined> = {};
    for (const a of this.attributes) ctx[a.name] = a.valueOf(place);
    return ctx;
  }

  operator(name: string): OperatorDecl | undefined {
    return this.operators.find((o) => o.name === name);
  }
}

/** jobdef's own vocabulary: what the CLI compiles with. */
export const DEFAULT_VOCABULARY = new Vocabulary(
  ATTRIBUTES,
  Object.fromEntries(TARGET_NAMES.map((name) => [name, TARGETS[name]])),
);
