/**
 * One suite from several variants of a buildername. buildbot-configs kept, for example, `reftest` in
 * REFTEST_ONE_CHUNK, REFTEST_TWO_CHUNKS and REFTEST_FOUR_CHUNKS, and `mozilla-tests/config.py` chose a list per
 * platform, build type and branch. The import is told those choices (`--assign LIST=platform/build-type/branch`),
 * drafts each variant as a suite, and folds the drafts into one value whose differing fields are keyed by platform,
 * build type and branch: each fact once, as a person would write it.
 */
import { deepEqual } from "../merge.js";
import { isMapping } from "../values.js";
import { platformPattern } from "./factor.js";

/** Where a suite list ran; an absent field matches any value. */
export interface Assignment {
  readonly list: string;
  readonly platform?: string;
  readonly buildType?: string;
  readonly branch?: string;
}

/** One place a job can run: `branch` is "" for every branch no assignment names. */
export interface Context {
  readonly platform: string;
  readonly buildType: string;
  readonly branch: string;
}

/** `LIST=platform[/build-type[/branch]]`, `*` for any; undefined when malformed. */
export function parseAssignment(text: string): Assignment | undefined {
  const m = /^([^=\s]+)=([^/\s]+)(?:\/([^/\s]+))?(?:\/([^/\s]+))?$/.exec(text);
  if (!m) return undefined;
  const field = (v: string | undefined) => (v === undefined || v === "*" ? undefined : v);
  const [platform, buildType, branch] = [field(m[2]), field(m[3]), field(m[4])];
  return {
    list: m[1]!,
    ...(platform ? { platform } : {}),
    ...(buildType ? { buildType } : {}),
    ...(branch ? { branch } : {}),
  };
}

export function contexts(platforms: readonly string[], buildTypes: readonly string[], branches: readonly string[]) {
  const out: Context[] = [];
  for (const platform of platforms)
    for (const buildType of buildTypes)
      for (const branch of ["", ...branches]) out.push({ platform, buildType, branch });
  return out;
}

function matches(a: Assignment, c: Context): boolean {
  return (
    (a.platform === undefined || a.platform === c.platform) &&
    (a.buildType === undefined || a.buildType === c.buildType) &&
    (a.branch === undefined || a.branch === c.branch)
  );
}

/** How specific an assignment is: a branch's beats a build type's, which beats a platform's (as config.py overrode). */
const specificity = (a: Assignment) => (a.platform ? 1 : 0) + (a.buildType ? 2 : 0) + (a.branch ? 4 : 0);

/**
 * The variant (index into `lists`, each variant's suite lists) a context runs: the one with the most specific
 * assignment matching it, else the one variant no assignment names. A string when that is ambiguous.
 */
export function variantAt(c: Context, lists: readonly (readonly string[])[], assignments: readonly Assignment[]) {
  let best: { variant: number; specificity: number }[] = [];
  lists.forEach((names, variant) => {
    for (const a of assignments)
      if (names.includes(a.list) && matches(a, c)) {
        const s = specificity(a);
        if (!best.length || s > best[0]!.specificity) best = [{ variant, specificity: s }];
        else if (s === best[0]!.specificity && best[0]!.variant !== variant) best.push({ variant, specificity: s });
      }
  });
  if (best.length > 1)
    return `${describe(c)} is assigned to ${best.map((b) => lists[b.variant]!.join("/")).join(" and ")}`;
  if (best.length) return best[0]!.variant;
  const unassigned = lists.flatMap((names, i) => (assignments.some((a) => names.includes(a.list)) ? [] : [i]));
  if (unassigned.length === 1) return unassigned[0]!;
  return unassigned.length
    ? `${describe(c)} could run ${unassigned.map((i) => lists[i]!.join("/")).join(" or ")}: --assign one of them`
    : `no list is assigned to ${describe(c)}`;
}

function describe(c: Context): string {
  return `${c.platform}/${c.buildType}/${c.branch || "*"}`;
}

/** A drafted value as it reads on one platform: `by-platform` values (all the import writes) resolved. */
export function valueOnPlatform(value: unknown, platform: string): unknown {
  if (Array.isArray(value)) return value.map((v) => valueOnPlatform(v, platform));
  if (!isMapping(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "by-platform") {
    const arms = value["by-platform"] as Record<string, unknown>;
    const arm = Object.keys(arms).find((p) => p !== "default" && new RegExp(`^(?:${p})$`).test(platform));
    return valueOnPlatform(arm === undefined ? arms.default : arms[arm], platform);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, valueOnPlatform(v, platform)]));
}

export interface Placed {
  readonly context: Context;
  readonly value: unknown;
}

/** A field a variant leaves out, at the value it then has (buildbot-configs' defaults). */
const LEFT_OUT: Readonly<Record<string, unknown>> = { chunks: 1, "mozharness.blob-upload": false };

/**
 * One value for every context: equal values once; mappings field by field; what differs keyed by platform, then
 * build type, then branch. Undefined when a field is missing in some contexts and has no known default.
 */
export function foldPlaced(placed: readonly Placed[], path = ""): unknown {
  const first = placed[0]!.value;
  if (placed.every((p) => deepEqual(p.value, first))) return first;
  if (!placed.every((p) => isMapping(p.value) && !Object.keys(p.value).some((k) => k.startsWith("by-"))))
    return keyedBy(placed, 0);
  const keys = [...new Set(placed.flatMap((p) => Object.keys(p.value as object)))];
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const field = path ? `${path}.${key}` : key;
    const sub = placed.map((p) => ({
      context: p.context,
      value: (p.value as Record<string, unknown>)[key] ?? LEFT_OUT[field],
    }));
    if (sub.some((s) => s.value === undefined)) return undefined;
    const folded = foldPlaced(sub, field);
    if (folded === undefined) return undefined;
    out[key] = folded;
  }
  return out;
}

const LEVELS = [
  { key: "by-platform", of: (c: Context) => c.platform },
  { key: "by-build-type", of: (c: Context) => c.buildType },
  { key: "by-branch", of: (c: Context) => c.branch },
] as const;

function keyedBy(placed: readonly Placed[], level: number): unknown {
  if (level === LEVELS.length) return placed[0]!.value;
  const { key, of } = LEVELS[level]!;
  const groups = new Map<string, Placed[]>();
  for (const p of placed) groups.set(of(p.context), [...(groups.get(of(p.context)) ?? []), p]);
  const values = [...groups].map(([name, ps]) => ({ name, value: keyedBy(ps, level + 1) }));
  if (values.every((v) => deepEqual(v.value, values[0]!.value))) return values[0]!.value;
  // arms of equal value share one pattern `a|b`; below the platform level the commonest value is the default
  const arms: { names: string[]; value: unknown }[] = [];
  for (const v of values) {
    const arm = arms.find((a) => deepEqual(a.value, v.value));
    if (arm) arm.names.push(v.name);
    else arms.push({ names: [v.name], value: v.value });
  }
  const fallback =
    level === 0
      ? undefined
      : (arms.find((a) => a.names.includes("")) ?? arms.reduce((a, b) => (b.names.length > a.names.length ? b : a)));
  const out: Record<string, unknown> = {};
  for (const arm of arms) if (arm !== fallback) out[arm.names.map(platformPattern).join("|")] = arm.value;
  if (fallback) out.default = fallback.value;
  return { [key]: out };
}
