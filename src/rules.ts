/** Semantic rules beyond the schemas. Each rule's name reads as what it checks. */
import { type Diagnostic, error } from "./diagnostics.js";
import { keyedByAttribute } from "./keyed-by.js";
import { buildTypesIn, type Layer, type Tree } from "./model.js";
import { didYouMean, type FullMatch, nearest, type Patterns } from "./names.js";
import { formatPath, type PathSegment, type SourceFile } from "./source.js";

type Rule = (tree: Tree) => Diagnostic[];

function allLayers(tree: Tree): Layer[] {
  const out: Layer[] = [];
  if (tree.defaults.layer) out.push(tree.defaults.layer);
  for (const m of [tree.harnesses, tree.platforms, tree.branches, tree.suites])
    for (const x of m.values()) if (x.layer) out.push(x.layer);
  return out;
}

/** Every concrete value of `field` in a layer: through keyed-by arms and operators, with its path in the file. */
function valuesOf(layer: Layer, field: readonly string[]): { value: unknown; path: PathSegment[] }[] {
  const out: { value: unknown; path: PathSegment[] }[] = [];
  const descend = (value: unknown, path: PathSegment[], rest: readonly string[]) => {
    if (value === null || value === undefined) return;
    const attr = keyedByAttribute(value);
    if (attr !== undefined) {
      const arms = (value as Record<string, Record<string, unknown>>)[`by-${attr}`];
      for (const k of Object.keys(arms ?? {})) descend(arms[k], [...path, `by-${attr}`, k], rest);
      return;
    }
    if (typeof value === "object" && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0].startsWith("$")) {
        descend((value as Record<string, unknown>)[keys[0]], [...path, keys[0]], rest);
        return;
      }
    }
    if (!rest.length) {
      out.push({ value, path });
      return;
    }
    if (typeof value === "object" && !Array.isArray(value))
      descend((value as Record<string, unknown>)[rest[0]], [...path, rest[0]], rest.slice(1));
  };
  descend(layer.value, [...layer.path], field);
  return out;
}

function regexProblems(
  patterns: Patterns,
  file: SourceFile,
  path: PathSegment[],
  pattern: string,
  universe: readonly string[],
  what: string,
  severity: "error" | "warning",
): Diagnostic[] {
  let re: FullMatch;
  try {
    re = patterns.fullMatch(pattern); // compiled once per pattern: 20,000 suites may name one platform
  } catch (e) {
    return [
      error(
        "JD021",
        `${formatPath(path)}: "${pattern}" is not a valid regular expression (${(e as Error).message})`,
        file.positionOf(path),
      ),
    ];
  }
  if (universe.some((u) => re.test(u))) return [];
  const d = error(
    "JD022",
    `${formatPath(path)}: "${pattern}" matches no ${what}${didYouMean(pattern, universe)}`,
    file.positionOf(path),
  );
  return [severity === "error" ? d : { ...d, severity }];
}

const suiteHarnessesExist: Rule = (tree) =>
  [...tree.suites.values()].flatMap((s) =>
    valuesOf(s.layer, ["harness"])
      .filter(({ value }) => typeof value === "string" && !tree.harnesses.has(value))
      .map(({ value, path }) => {
        const hint = nearest(String(value), tree.harnesses.keys(), 1);
        return error(
          "JD020",
          `unknown harness "${value}"${hint.length ? ` (did you mean "${hint[0]}"?)` : ""}; harnesses are files in configs/harnesses/`,
          s.file.positionOf(path),
        );
      }),
  );

const branchPlatformPatternsMatchPlatforms: Rule = (tree) => {
  const names = [...tree.platforms.keys()];
  return [...tree.branches.values()].flatMap((b) =>
    (b.spec.platforms ?? []).flatMap((p, i) =>
      regexProblems(tree.patterns, b.file, ["platforms", i], p, names, "platform", "error"),
    ),
  );
};

const branchExcludePatternsAreValid: Rule = (tree) => {
  const names = [...tree.suites.keys()];
  return [...tree.branches.values()].flatMap((b) =>
    (b.spec["exclude-suites"] ?? []).flatMap((p, i) =>
      regexProblems(tree.patterns, b.file, ["exclude-suites", i], p, names, "suite", "warning"),
    ),
  );
};

const runOnRulesSelectSomething: Rule = (tree) => {
  const platforms = [...tree.platforms.keys()];
  const branches = [...tree.branches.keys()];
  const tags = [...new Set([...tree.platforms.values()].flatMap((p) => p.spec.tags ?? []))];
  const buildTypes = buildTypesIn(tree);
  const out: Diagnostic[] = [];
  for (const layer of allLayers(tree)) {
    const file = layer.file!;
    const lists: [string, readonly string[], string, boolean][] = [
      ["platforms", platforms, "platform", true],
      ["branches", branches, "branch", true],
      ["platform-tags", tags, "platform tag", false],
      ["build-types", buildTypes, "build type", false],
    ];
    for (const [field, universe, what, isRegex] of lists) {
      for (const { value, path } of valuesOf(layer, ["run-on", field])) {
        if (!Array.isArray(value)) continue;
        value.forEach((item, i) => {
          const p = [...path, i];
          if (isRegex) out.push(...regexProblems(tree.patterns, file, p, String(item), universe, what, "error"));
          else if (!universe.includes(String(item))) {
            const hint = nearest(String(item), universe, 1);
            out.push(
              error(
                "JD020",
                `${formatPath(p)}: unknown ${what} "${item}"${hint.length ? ` (did you mean "${hint[0]}"?)` : ""}`,
                file.positionOf(p),
              ),
            );
          }
        });
      }
    }
  }
  return out;
};

const checkedInBranchesExist: Rule = (tree) =>
  tree.settings.checkedIn.branches
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => !tree.branches.has(b))
    .map(({ b, i }) =>
      error(
        "JD020",
        `tree.checked-in.branches: unknown branch "${b}"${didYouMean(b, tree.branches.keys())}`,
        tree.defaults.file.positionOf(["tree", "checked-in", "branches", i]),
      ),
    );

/** Arms naming a value their attribute never takes in the tree are probably typos: warned, not refused. */
const keyedByArmsMatchSomething: Rule = (tree) => {
  const universes = new Map(tree.vocabulary.attributes.map((a) => [a.name, a.valuesIn(tree)]));
  const out: Diagnostic[] = [];
  const walk = (file: SourceFile, value: unknown, path: PathSegment[]) => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) walk(file, value[i], [...path, i]);
      return;
    }
    const attr = keyedByAttribute(value);
    const universe = attr === undefined ? undefined : universes.get(attr);
    if (attr !== undefined && universe) {
      const arms = (value as Record<string, Record<string, unknown>>)[`by-${attr}`];
      for (const k of Object.keys(arms)) {
        const p = [...path, `by-${attr}`, k];
        if (k !== "default")
          out.push(
            ...regexProblems(tree.patterns, file, p, k, universe, attr, "warning").filter((d) => d.code === "JD022"),
          );
        walk(file, arms[k], p);
      }
      return;
    }
    for (const k of Object.keys(value)) walk(file, (value as Record<string, unknown>)[k], [...path, k]);
  };
  for (const layer of allLayers(tree)) walk(layer.file!, layer.value, [...layer.path]);
  return out;
};

/** Directories of the root that hold input: a compile writing there would overwrite what it reads. */
const INPUT_DIRS = ["configs", "schemas", ".git"];

/** `tree.generated-dir` is a directory of its own: not the root, not inside configs/, schemas/ or .git/. */
const generatedDirIsNotInput: Rule = (tree) => {
  const dir = tree.settings.generatedDir;
  const segs = dir.split(/[\\/]+/).filter((s) => s && s !== ".");
  const input = INPUT_DIRS.find((d) => segs[0]?.toLowerCase() === d); // Configs/ is configs/ on macOS
  if (segs.length && !input) return [];
  const where = input ? `inside ${input}/, which holds input` : "the root of the tree";
  return [
    error(
      "JD013",
      `tree.generated-dir: "${dir}" is ${where}; compile would overwrite what it reads (the default is generated)`,
      tree.defaults.file.positionOf(["tree", "generated-dir"]),
    ),
  ];
};

export const SEMANTIC_RULES: readonly Rule[] = [
  generatedDirIsNotInput,
  suiteHarnessesExist,
  branchPlatformPatternsMatchPlatforms,
  branchExcludePatternsAreValid,
  runOnRulesSelectSomething,
  checkedInBranchesExist,
  keyedByArmsMatchSomething,
];
