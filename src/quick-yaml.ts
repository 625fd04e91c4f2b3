/**
 * Part of stage 1, load: the usual config file parsed by js-yaml, ~2× faster than `yaml` on a cold start, with the
 * value `yaml` would give. Anything unusual (`UNUSUAL`, `MARKER` and `unusualLines` below: shapes the two libraries
 * were seen to read apart), a value `yaml` would not give as it is (`plain`) and any error are left to `yaml`
 * (load.ts), which gives the diagnostics and source positions. Plain scalars resolve as `yaml`'s core schema
 * resolves them (its regular expressions and conversions), so a number too large for a double is Infinity, as there,
 * and its file goes to `yaml` for JD015. test/quick-yaml.test.ts compares the two on generated documents.
 */
import { CORE_SCHEMA, defineScalarTag, load, NOT_RESOLVED } from "js-yaml";
import { LIMITS } from "./limits.js";
import { isMapping } from "./values.js";

const int = defineScalarTag<number>("tag:yaml.org,2002:int", {
  implicit: true,
  identify: () => false,
  resolve: (s) =>
    /^0o[0-7]+$/.test(s)
      ? parseInt(s.substring(2), 8)
      : /^[-+]?[0-9]+$/.test(s)
        ? parseInt(s, 10)
        : /^0x[0-9a-fA-F]+$/.test(s)
          ? parseInt(s.substring(2), 16)
          : NOT_RESOLVED,
});

const float = defineScalarTag<number>("tag:yaml.org,2002:float", {
  implicit: true,
  identify: () => false,
  resolve: (s) =>
    /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)
      ? s.slice(-3).toLowerCase() === "nan"
        ? NaN
        : s[0] === "-"
          ? Number.NEGATIVE_INFINITY
          : Number.POSITIVE_INFINITY
      : /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)
        ? parseFloat(s)
        : NOT_RESOLVED,
});

const SCHEMA = CORE_SCHEMA.withTags(int, float);

/**
 * Anywhere in the text, even inside a string: a tag (`!`), a tab, `__proto__`, a directive (`%` at a line's start),
 * an anchor (`&name` where a node may start; `& ` is an error to both), an explicit key (`? `, where a node may start
 * or after a quoted scalar), a block scalar's indentation indicator (`|2`, `>-1` ending a line). Generated documents
 * showed the two libraries reading some of these apart.
 */
const UNUSUAL =
  /[!\t]|__proto__|^%|(?:^|[\s[{,])&[^ ]|(?:^|[\s'"[{,])\?(?:[ \r\n]|$)|[|>](?:[-+]?[1-9]|[1-9][-+])[ ]*(?:#.*)?\r?$/m;

/** A document marker, even indented (js-yaml takes ` ---` for one): only `---` opening the file is usual. */
const MARKER = /^[ ]*(?:---|\.\.\.)/m;

/** The file's value when it is a mapping, or undefined when it is left to `yaml`. */
export function quickYaml(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (UNUSUAL.test(body) || MARKER.test(body.startsWith("---") ? body.slice(3) : body)) return undefined;
  if (body.includes("\ufeff") || unusualLines(body)) return undefined;
  let value: unknown;
  try {
    value = load(text, { schema: SCHEMA, maxAliases: 0, maxDepth: LIMITS.depth + 1 });
  } catch {
    return undefined;
  }
  return isMapping(value) && plain(value) ? value : undefined;
}

/**
 * Whether `value` is what load.ts takes from `yaml` too: no key `null` (js-yaml names a null key "null", `yaml` ""),
 * no number that is not finite and no nesting at the depth limit (load.ts reports those two). One walk.
 */
function plain(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === "number" && !Number.isFinite(v)) return false;
    if (v === null || typeof v !== "object") continue;
    if (depth >= LIMITS.depth) return false;
    if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
    else {
      if (Object.hasOwn(v, "null")) return false;
      for (const x of Object.values(v)) stack.push([x, depth + 1]);
    }
  }
  return true;
}

/** A line holding a mapping key and nothing after it (but a comment). */
const KEY_ONLY = /:(?:[ ]+#.*)?[ \r]*$/;
/** A flow collection opening where a node may start, and text right after a closing bracket (`{a: 1}0`). */
const FLOW_START = /(?:^|[\s,[{])[[{]/;
const TEXT_AFTER_FLOW = /[\]}][^\s,\]}]/;

/**
 * Line shapes the two libraries were seen to read apart, in one pass: a comment line, then (after blank and comment
 * lines) a line indented deeper than the comment (`yaml` 2.9 refuses `k:\n#c\n  v\na: 1` and reads
 * `k:\n  -\n#c\n    l\n  - m` as `["l - m"]`, where js-yaml and PyYAML read `["l", "m"]`); a list item at its key's
 * indentation (`k:\n- a`, where js-yaml accepts some broken items); text right after a flow collection.
 */
function unusualLines(text: string): boolean {
  /** The least indentation of the comment lines since the last other line, or -1. */
  let comment = -1;
  /** The indentation of the last other line when it holds only a key, or -1. */
  let keyOnly = -1;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    let i = start;
    while (i < end && text.charCodeAt(i) === 0x20) i++;
    const indent = i - start;
    const c = text.charCodeAt(i);
    if (i < end && c === 0x23 /* # */) comment = comment < 0 ? indent : Math.min(comment, indent);
    else if (i < end && !(i === end - 1 && c === 0x0d)) {
      if (comment >= 0 && indent > comment) return true;
      comment = -1;
      const next = text.charCodeAt(i + 1);
      if (indent === keyOnly && c === 0x2d /* - */ && (i + 1 === end || next === 0x20 || next === 0x0d)) return true;
      const line = text.slice(start, end);
      keyOnly = KEY_ONLY.test(line) ? indent : -1;
      if (FLOW_START.test(line) && TEXT_AFTER_FLOW.test(line)) return true;
    }
    start = end + 1;
  }
  return false;
}
