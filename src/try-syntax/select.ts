/** Try syntax, selection: resolve a parsed request against the expanded jobs of a try branch. */
import { type Diagnostic, fail, ok, type Result } from "../diagnostics.js";
import type { BranchJobs, Job } from "../expand.js";
import { buildLabelOf, buildPlatformOf, buildTypesOn, type Tree } from "../model.js";
import { nearest } from "../names.js";
import { byCodePoint } from "../values.js";
import type { Choice, PlatformFilter, TestItem, TryRequest } from "./parse.js";
import { type Token, tryError, tryWarning } from "./tokens.js";

/** What a try push runs: sorted, deterministic. */
export interface TrySelection {
  /** Labels of the selected test jobs. */
  readonly labels: readonly string[];
  /** How many times each selected job runs (`--rebuild N`). */
  readonly rebuild: number;
  /** Labels of the build tasks the push asks for (`-b` × `-p`). */
  readonly builds: readonly string[];
  readonly platforms: readonly string[];
  /** Suites of the selected jobs. */
  readonly tests: readonly string[];
}

type JobTest = (job: Job) => boolean;

/** The platforms and build types `-p` and `-b` chose, when both were given. */
interface Scope {
  readonly platforms: ReadonlySet<string>;
  readonly buildTypes: ReadonlySet<string>;
  /** Every platform of the branch was chosen. */
  readonly every: boolean;
  readonly has: JobTest;
}

/** Resolves platforms and tests; unknown names are diagnostics at their column, with suggestions. */
export function selectTryJobs(request: TryRequest, tree: Tree, branch: BranchJobs): Result<TrySelection> {
  const empty: TrySelection = { labels: [], rebuild: request.rebuild, builds: [], platforms: [], tests: [] };
  if (!request.line) return ok(empty, [warning("no line with try: in the commit message: nothing is selected")]);
  const marker = { text: "try:", line: request.line.line, column: request.line.text.indexOf("try:") + 1 };
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  // 1. platforms (-p) and build types (-b)
  const platforms = resolvePlatforms(request.platforms, tree, branch, errors);
  const buildTypes = new Set(request.buildTypes ?? []);
  // 2. tests (-u): one predicate per item, OR-ed; with -b and -p given, an item that selects nothing is an error
  const scope: Scope | undefined =
    request.buildTypes && request.platforms && platforms.size
      ? {
          platforms,
          buildTypes,
          every: platforms.size === branch.platforms.length,
          has: (j) => platforms.has(j.platform) && buildTypes.has(j.buildType),
        }
      : undefined;
  const tests = resolveTests(request.tests, branch, scope, errors);
  if (request.talos?.kind === "all" || request.talos?.kind === "list")
    warnings.push(
      tryWarning(
        "talos is not modelled by jobdef: -t selects no jobs",
        request.talos.kind === "all" ? request.talos.token : request.talos.items[0],
      ),
    );
  if (errors.length) return fail(errors);
  if (!request.buildTypes) warnings.push(tryWarning("no -b: nothing is selected (use -b o, -b d or -b do)", marker));
  else if (!request.platforms)
    warnings.push(tryWarning("no -p: nothing is selected (use -p all or -p <platforms>)", marker));
  // 3. the selected builds, and the test jobs on them
  const chosen = branch.platforms.filter((p) => platforms.has(p.name));
  const builds = chosen.flatMap((p) =>
    buildTypesOn(p, branch.branch)
      .filter((t) => buildTypes.has(t))
      .map((t) => buildLabelOf(tree, p, t)),
  );
  const jobs = branch.jobs.filter((j) => platforms.has(j.platform) && buildTypes.has(j.buildType) && tests(j));
  return ok(
    {
      labels: sorted(jobs.map((j) => j.label)),
      rebuild: request.rebuild,
      builds: sorted(builds),
      platforms: sorted(chosen.map((p) => p.name)),
      tests: sorted(jobs.map((j) => j.suite)),
    },
    warnings,
  );
}

/** `-p` names a platform of the branch, or a build platform (`linux` selects every platform tested on the linux build). */
function resolvePlatforms(
  choice: Choice<Token> | undefined,
  tree: Tree,
  branch: BranchJobs,
  errors: Diagnostic[],
): Set<string> {
  const onBranch = branch.platforms;
  if (!choice || choice.kind === "none") return new Set();
  if (choice.kind === "all") return new Set(onBranch.map((p) => p.name));
  const out = new Set<string>();
  for (const token of choice.items) {
    const byName = onBranch.filter((p) => p.name === token.text);
    const matched = byName.length ? byName : onBranch.filter((p) => buildPlatformOf(p) === token.text);
    if (matched.length) {
      for (const p of matched) out.add(p.name);
      continue;
    }
    if (tree.platforms.has(token.text)) {
      errors.push(tryError(`platform "${token.text}" does not run on branch ${branch.branch.name}`, token));
      continue;
    }
    const known = new Set(onBranch.flatMap((p) => [p.name, buildPlatformOf(p)]));
    errors.push(tryError(`unknown platform "${token.text}"${hint(token.text, known)}`, token));
  }
  return out;
}

function resolveTests(
  choice: Choice<TestItem> | undefined,
  branch: BranchJobs,
  scope: Scope | undefined,
  errors: Diagnostic[],
): JobTest {
  if (!choice || choice.kind === "none") return () => false;
  if (choice.kind === "all") return () => true;
  const index = indexTryNames(branch.jobs);
  const tests = choice.items.map((item) => resolveTest(item, index, branch, scope, errors));
  return (job) => tests.some((t) => t(job));
}

/** Try name (default: the suite name) and aliases → jobs. Per job: the try name may be keyed by platform. */
export function indexTryNames(jobs: readonly Job[]): Map<string, Job[]> {
  const index = new Map<string, Job[]>();
  for (const job of jobs) {
    const names = new Set([job.spec.try?.name ?? job.suite, ...(job.spec.try?.aliases ?? [])]);
    for (const n of names) {
      const list = index.get(n) ?? [];
      list.push(job);
      index.set(n, list);
    }
  }
  return index;
}

/** `all`, then the full name, then `<name>-<chunk>`: suite names may themselves end in `-<digits>`. */
function resolveTest(
  item: TestItem,
  index: Map<string, Job[]>,
  branch: BranchJobs,
  scope: Scope | undefined,
  errors: Diagnostic[],
): JobTest {
  const filter = resolveFilters(item.filters, branch, errors);
  const inScope = (j: Job) => filter(j) && (scope?.has(j) ?? true);
  const name = item.name.text;
  const whole = name === "all" ? branch.jobs : index.get(name);
  if (whole) {
    if (scope && !whole.some(inScope)) errors.push(selectsNothing(name, whole, filter, scope, item));
    return name === "all" ? filter : inSet(whole, filter);
  }
  const m = /^(.*)-(\d+)$/.exec(name);
  const base = m ? index.get(m[1]) : undefined;
  if (m && base) {
    const chunk = Number(m[2]);
    // chunk N of the chunked jobs only: an unchunked job is not "chunk 1"
    const inChunk = base.filter((j) => j.chunks > 1 && j.chunk === chunk);
    const reachable = base.filter(inScope);
    if (scope && !reachable.length) errors.push(selectsNothing(m[1], base, filter, scope, item));
    else if (!inChunk.some(inScope)) errors.push(noSuchChunk(m[1], m[2], reachable, scope, item));
    return inSet(inChunk, filter);
  }
  errors.push(tryError(`unknown test "${name}" on branch ${branch.branch.name}${hint(name, index.keys())}`, item.name));
  return () => false;
}

/** A chunk past the last of every job the name reaches: the last chunk there is the closest valid choice. */
function noSuchChunk(name: string, chunk: string, reachable: readonly Job[], scope: Scope | undefined, item: TestItem) {
  const most = Math.max(1, ...reachable.map((j) => j.chunks));
  const where = scope ? ` on ${scopeText(scope)}` : "";
  const has = most === 1 ? "no chunks" : `chunks 1 to ${most}`;
  const closest = most === 1 ? name : `${name}-${most}`;
  return tryError(
    `"${name}" has ${has}${where}, not chunk ${chunk}; did you mean ${closest}?`,
    item.name,
    name.length + 1,
  );
}

/** A known name whose jobs all lie outside -p and -b (or the item's filter): where it does run is the closest choice. */
function selectsNothing(name: string, jobs: readonly Job[], filter: JobTest, scope: Scope, item: TestItem): Diagnostic {
  const kept = jobs.filter(filter);
  const shown = item.filters.length
    ? `${name}[${item.filters.map((f) => (f.exclude ? "-" : "") + f.token.text).join(",")}]`
    : name;
  if (!kept.length)
    return tryError(`"${shown}" selects no job: its platform filter leaves none of its jobs`, item.name);
  const byPlatform = new Map<string, Set<string>>();
  for (const j of kept) byPlatform.set(j.platform, (byPlatform.get(j.platform) ?? new Set()).add(j.buildType));
  // platforms chosen with -p first (only -b is off), then the rest by name
  const platforms = [...byPlatform.keys()].sort(
    (a, b) => Number(scope.platforms.has(b)) - Number(scope.platforms.has(a)) || byCodePoint(a, b),
  );
  const listed = platforms.slice(0, 4).map((p) => `${p} ${[...byPlatform.get(p)!].sort(byCodePoint).join("/")}`);
  const more = platforms.length > 4 ? ` and ${platforms.length - 4} more` : "";
  const near = platforms.find((p) => scope.platforms.has(p));
  const types = near ? [...byPlatform.get(near)!] : [];
  const suggestion = near
    ? `-b ${types
        .map((t) => t[0])
        .sort()
        .join("")}`
    : `-p ${platforms.slice(0, 3).join(",")}`;
  return tryError(
    `"${shown}" selects no job on ${scopeText(scope)}; it runs on ${listed.join(", ")}${more}; did you mean ${suggestion}?`,
    item.name,
  );
}

function scopeText(scope: Scope): string {
  const platforms = [...scope.platforms].sort(byCodePoint);
  const shown = scope.every
    ? "every platform"
    : platforms.length > 3
      ? `${platforms.slice(0, 3).join(", ")} and ${platforms.length - 3} more`
      : platforms.join(", ");
  return `${shown} (${[...scope.buildTypes].sort(byCodePoint).join(", ")})`;
}

/** `[a,-b]`: the platform name must contain one of the included words (if any) and none of the excluded ones. */
function resolveFilters(filters: readonly PlatformFilter[], branch: BranchJobs, errors: Diagnostic[]): JobTest {
  const names = branch.platforms.map((p) => p.name);
  for (const f of filters) {
    if (!names.some((n) => n.includes(f.token.text)))
      errors.push(
        tryError(
          `platform filter "${f.token.text}" matches no platform of branch ${branch.branch.name}${hint(f.token.text, names)}`,
          f.token,
        ),
      );
  }
  const include = filters.filter((f) => !f.exclude).map((f) => f.token.text);
  const exclude = filters.filter((f) => f.exclude).map((f) => f.token.text);
  return (job) =>
    (!include.length || include.some((w) => job.platform.includes(w))) &&
    !exclude.some((w) => job.platform.includes(w));
}

function inSet(jobs: readonly Job[], filter: JobTest): JobTest {
  const set = new Set(jobs);
  return (job) => set.has(job) && filter(job);
}

function hint(word: string, candidates: Iterable<string>): string {
  const near = nearest(word, candidates);
  return near.length ? `; did you mean ${near.join(", ")}?` : "";
}

function warning(message: string): Diagnostic {
  return { code: "JD060", severity: "warning", message };
}

function sorted(list: readonly string[]): string[] {
  return [...new Set(list)].sort(byCodePoint);
}
