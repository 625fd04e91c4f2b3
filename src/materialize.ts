/**
 * Turns a compiled TaskCluster graph into the tasks a decision task submits: relative datestamps become times,
 * task references become the dependencies' task ids, parameter references become the push's values, and each
 * task's `dependencies` lists the task ids of its graph dependencies. Pure: it reads the clock and the ids only
 * through its options.
 */
import { createHash } from "node:crypto";

export interface MaterializeOptions {
  /** The decision time that relative datestamps count from. */
  readonly now: Date;
  /** The task id of a label (of this graph, or of a task it depends on such as the build). */
  readonly taskIdFor: (label: string) => string;
  /** Push parameters named in parameter references: `revision`, `pushlog_id`, ... */
  readonly parameters?: Readonly<Record<string, string | number>>;
  /** Sets every task's `taskGroupId` when given. */
  readonly taskGroupId?: string;
}

interface Entry {
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly task: unknown;
}

/** Label → the concrete task definition of every entry of `graph` (keys starting with `$` are skipped). */
export function materialize(
  graph: Readonly<Record<string, unknown>>,
  options: MaterializeOptions,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [label, value] of Object.entries(graph)) {
    if (label.startsWith("$")) continue;
    const entry = value as Entry;
    const deps = Object.fromEntries(
      Object.entries(entry.dependencies ?? {}).map(([name, depLabel]) => [name, options.taskIdFor(depLabel)]),
    );
    const task = resolve(entry.task, { ...options, deps, label }) as Record<string, unknown>;
    const ids = [...new Set(Object.values(deps))];
    if (ids.length) task.dependencies = ids;
    if (options.taskGroupId) task.taskGroupId = options.taskGroupId;
    out[label] = task;
  }
  return out;
}

interface Context extends MaterializeOptions {
  readonly deps: Readonly<Record<string, string>>;
  readonly label: string;
}

function resolve(value: unknown, ctx: Context): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, ctx));
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  const v = value as Record<string, unknown>;
  if (keys.length === 1 && typeof v[keys[0]!] === "string") {
    const s = v[keys[0]!] as string;
    if (keys[0] === "relative-datestamp")
      return new Date(ctx.now.getTime() + parseRelative(s, ctx.label) * 1000).toISOString();
    if (keys[0] === "task-reference")
      return substitute(s, /<<|<([^<>]+)>/g, "<", (name) => ctx.deps[name], "dependency", ctx.label);
    if (keys[0] === "parameter-reference") {
      const param = (name: string) => (ctx.parameters?.[name] === undefined ? undefined : String(ctx.parameters[name]));
      return substitute(s, /\{\{|\{([^{}]+)\}/g, "{", param, "parameter", ctx.label);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, resolve(v[k], ctx)]));
}

function substitute(
  template: string,
  re: RegExp,
  literal: string,
  lookup: (name: string) => string | undefined,
  what: string,
  label: string,
): string {
  return template.replace(re, (_all, name: string | undefined) => {
    if (name === undefined) return literal;
    const value = lookup(name);
    if (value === undefined) throw new Error(`${label}: no ${what} "${name}" for "${template}"`);
    return value;
  });
}

const UNIT_SECONDS: [RegExp, number][] = [
  [/^(s|secs?|seconds?)$/, 1],
  [/^(m|mins?|minutes?)$/, 60],
  [/^(h|hours?)$/, 3600],
  [/^(d|days?)$/, 86400],
  [/^(w|weeks?)$/, 7 * 86400],
  [/^(mo|months?)$/, 30 * 86400],
  [/^(y|years?)$/, 365 * 86400],
];

/** Seconds in `1 day`, `2 hours 30 minutes`, `-1 year` (a month is 30 days, a year 365, as taskgraph counts). */
export function parseRelative(text: string, label = "relative datestamp"): number {
  const m = /^\s*(-)?\s*((?:\d+\s*[a-z]+\s*)+)$/.exec(text);
  if (!m) throw new Error(`${label}: bad relative datestamp "${text}"`);
  let seconds = 0;
  for (const [, n, unit] of m[2]!.matchAll(/(\d+)\s*([a-z]+)/g)) {
    const factor = UNIT_SECONDS.find(([re]) => re.test(unit!))?.[1];
    if (factor === undefined) throw new Error(`${label}: unknown unit "${unit}" in relative datestamp "${text}"`);
    seconds += Number(n) * factor;
  }
  return m[1] ? -seconds : seconds;
}

/** A valid, deterministic TaskCluster task id (a v4-shaped slugid) derived from `seed`. */
export function taskIdFromSeed(seed: string): string {
  const b = createHash("sha256").update(seed).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  b[0] = b[0]! & 0x7f; // a "nice" slug never starts with "-"
  return b.toString("base64url");
}
