/**
 * Sibling platforms should run the same suites: a platform added as a variant of another (linux64-pgo beside
 * linux64) silently misses every suite whose `run-on.platforms` patterns name the first in full. Siblings are
 * platforms of one os with the same tags, one's name the other's plus `-<variant>` or both tested on one build;
 * a platform meant to differ says so with a tag of its own (linux64-asan carries `sanitizer`).
 */
import { type Diagnostic, error } from "./diagnostics.js";
import type { BranchJobs } from "./expand.js";
import { buildPlatformOf, type Platform, type Tree } from "./model.js";
import { byCodePoint } from "./values.js";

/** [base, variant] pairs: the variant's name extends the base's, or (same build) the later name is the variant. */
export function siblingPairs(platforms: readonly Platform[]): [Platform, Platform][] {
  const pairs: [Platform, Platform][] = [];
  const sorted = [...platforms].sort((a, b) => byCodePoint(a.name, b.name));
  for (const [i, a] of sorted.entries())
    for (const b of sorted.slice(i + 1)) {
      if (a.spec.os !== b.spec.os || tagsOf(a) !== tagsOf(b)) continue;
      if (b.name.startsWith(`${a.name}-`) || buildPlatformOf(a) === buildPlatformOf(b)) pairs.push([a, b]);
      else if (a.name.startsWith(`${b.name}-`)) pairs.push([b, a]);
    }
  return pairs;
}

function tagsOf(p: Platform): string {
  return [...(p.spec.tags ?? [])].sort(byCodePoint).join(",");
}

/** Collects which suites run on which platform of each branch (from `validate`'s per-platform jobs). */
export class SiblingCoverage {
  private readonly suites = new Map<string, Map<string, Set<string>>>();
  private readonly platforms = new Map<string, Platform[]>();

  add(jobs: BranchJobs): void {
    const branch = jobs.branch.name;
    const byPlatform = this.suites.get(branch) ?? new Map<string, Set<string>>();
    this.suites.set(branch, byPlatform);
    const list = this.platforms.get(branch) ?? [];
    this.platforms.set(branch, list);
    for (const p of jobs.platforms) {
      if (!byPlatform.has(p.name)) list.push(p);
      byPlatform.set(p.name, byPlatform.get(p.name) ?? new Set());
    }
    for (const j of jobs.jobs) byPlatform.get(j.platform)?.add(j.suite);
  }

  /** JD047 per suite pattern that selects one sibling and not the other, with the branches where it shows. */
  diagnostics(tree: Tree): Diagnostic[] {
    const found = new Map<
      string,
      {
        suite: string;
        index: number;
        pattern: string;
        has: Platform;
        lacks: Platform;
        base: Platform;
        variant: Platform;
        branches: string[];
      }
    >();
    for (const [branch, byPlatform] of [...this.suites].sort(([a], [b]) => byCodePoint(a, b))) {
      for (const [base, variant] of siblingPairs(this.platforms.get(branch) ?? [])) {
        const onBase = byPlatform.get(base.name) ?? new Set<string>();
        const onVariant = byPlatform.get(variant.name) ?? new Set<string>();
        const differing = [
          ...[...onBase].filter((s) => !onVariant.has(s)).map((s) => [s, base, variant] as const),
          ...[...onVariant].filter((s) => !onBase.has(s)).map((s) => [s, variant, base] as const),
        ];
        for (const [suite, has, lacks] of differing) {
          for (const [index, pattern] of namePatterns(tree, suite)) {
            const re = tree.patterns.fullMatch(pattern);
            if (!re.test(has.name) || re.test(lacks.name)) continue;
            const key = `${suite}\0${index}\0${has.name}\0${lacks.name}`;
            const f = found.get(key) ?? { suite, index, pattern, has, lacks, base, variant, branches: [] };
            f.branches.push(branch);
            found.set(key, f);
          }
        }
      }
    }
    return [...found.values()].map((f) => {
      const suite = tree.suites.get(f.suite)!;
      const suffix = f.variant.name.slice(f.base.name.length + 1);
      const both = f.variant.name.startsWith(`${f.base.name}-`)
        ? `"(?:${f.pattern})(-${suffix})?"`
        : "a pattern matching both";
      const verb =
        f.lacks === f.variant
          ? `loses ${f.suite}, which ${f.base.name} runs`
          : `gains ${f.suite}, which ${f.base.name} does not run`;
      const d = error(
        "JD047",
        `run-on.platforms[${f.index}]: "${f.pattern}" fully matches ${f.has.name} but not ${f.lacks.name}, its sibling (same os and tags): ${f.variant.name} ${verb} (branches: ${f.branches.join(", ")}); write ${both} if both should run it, or give ${f.variant.name} a tag of its own if the difference is meant`,
        suite.file.positionOf([...suite.layer.path, "run-on", "platforms", f.index]),
      );
      return { ...d, severity: "warning" as const };
    });
  }
}

/** The suite file's own `run-on.platforms` patterns, when written as a plain list. */
function namePatterns(tree: Tree, suite: string): [number, string][] {
  const runOn = tree.suites.get(suite)?.layer.value["run-on"] as { platforms?: unknown } | undefined;
  const list = runOn?.platforms;
  return Array.isArray(list) ? list.flatMap((p, i) => (typeof p === "string" ? [[i, p] as [number, string]] : [])) : [];
}
