/**
 * Part of stage 1, load: the usual config file parsed by js-yaml, ~2× faster than `yaml` on a cold start, with the
 * value `yaml` would give. Anything unusual — tags, tabs, anchors and aliases, directives, `__proto__`, a `null` key,
 * a comment at a line's start before an indented line, deep nesting, any error — is left to `yaml` (load.ts), which
 * gives the diagnostics and source positions. Plain scalars resolve as `yaml`'s core
 * schema resolves them (its regular expressions and conversions), so even a number too large for a double becomes
 * Infinity, as there, and JD015 reports it. test/quick-yaml.test.ts compares the two on generated documents.
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

/** The file's value when it is a mapping, or undefined when it is left to `yaml`. */
export function quickYaml(text: string): unknown {
  // a tag (`!`), a tab, `__proto__`, a directive (`%` at a line's start) or an anchor (`&name` where a node may start)
  // anywhere, even inside a string: `yaml`
  if (/[!\t]|__proto__|^%|(?:^|[\s[{,])&\S/m.test(text) || indentedAfterComment(text)) return undefined;
  let value: unknown;
  try {
    value = load(text, { schema: SCHEMA, maxAliases: 0, maxDepth: LIMITS.depth + 1 });
  } catch {
    return undefined;
  }
  return isMapping(value) && plain(value) ? value : undefined;
}

/**
 * Whether `value` is what `yaml` gives too: no key `null` (js-yaml names a null key "null", `yaml` ""), and no
 * nesting at the depth limit (load.ts reports that).
 */
function plain(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
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

/**
 * A comment at the start of a line, then (after blank and comment lines) an indented line: `yaml` 2.9 reads some
 * of these wrongly (it refuses `k:\n#c\n  v\na: 1`, and reads `k:\n  -\n#c\n    l\n  - m` as `["l - m"]`), while
 * js-yaml reads them as PyYAML does. They are left to `yaml`, so both paths give the same result. One pass.
 */
function indentedAfterComment(text: string): boolean {
  let afterComment = false;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const first = text.charCodeAt(start);
    if (first === 0x23 /* # */) afterComment = true;
    else if (afterComment) {
      let i = start;
      while (i < end && text.charCodeAt(i) === 0x20) i++;
      const blankOrComment = i === end || text.charCodeAt(i) === 0x23 || (i === end - 1 && text[i] === "\r");
      if (!blankOrComment) {
        if (i > start) return true;
        afterComment = false;
      }
    }
    start = end + 1;
  }
  return false;
}
