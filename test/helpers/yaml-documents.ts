/** Generated YAML documents, for the property tests of the YAML reader (test/load-yaml.test.ts). */
import fc from "fast-check";

/** Free sequences of YAML's tokens and troublemakers. */
const TOKEN = fc.constantFrom(
  ...["a", "b", "k", "1", "0", "-", ".", "e", "x", "o", "5", " ", "  ", "\n", "\n  ", "\n    ", "\t", ":", ": "],
  ...["- ", "#", " #", "'", '"', "[", "]", "{", "}", ", ", ",", "|", ">", "|-", ">+", "?", "? ", "&", "&a ", "*", "!"],
  ...["%", "~", "null", "true", "@", "`", "\\", "\\n", "\r\n", "---", "...", "<<", "é", "\u2028", "\u00a0", "0x1F"],
  ...["1e5", "1e400", ".inf", ".nan", "-0", "0o7", "__proto__", "\ufeff", "\\u0041", "''", '""', "\n#", "\n# c"],
);
export const TOKEN_SOUP = fc
  .tuple(fc.constantFrom("", "k: ", "k:\n  ", "- ", "a: 1\nk: "), fc.array(TOKEN, { maxLength: 40 }))
  .map(([head, tokens]) => `${head}${tokens.join("")}\n`);

/** Config-shaped documents: block and flow collections nested three deep, keys and scalars of every style. */
const SCALAR = fc.oneof(
  fc.constantFrom(
    ...["a", "b c", "1", "-1", "0.5", "1e3", "~", "null", "true", "'q'", '"d"', "'a''b'", '"a\\"b"', '"\\u00e9"'],
    ...["x: y", "a #c", "a#b", "- a", "[a]", "{a: b}", "[]", "{}", "|\n  t", ">\n  f\n  g", "|-\n  t\n", "'m\n  l'"],
    ...['"m\n  l"', "p\n  c", "http://a?b=1&c", "%s", "%(x)s", "@", "`", "a:b", "a :b", "? ", "*", "&a b", ".", "-"],
    ...["--", "...", "0o12", "0x1f", ".inf", "é", "\u2028", "\u0085", "\u00a0", "a  ", " ", ""],
  ),
  fc.string({ maxLength: 8 }),
);
const KEY = fc.oneof(
  fc.constantFrom(...["a", "b", "k1", "'q'", '"d k"', "1", "true", "a b", "-a", "a-", "a.b", "<<", "? a", "[a]"]),
  fc.constantFrom(...["{a: 1}", "'a: b'", '"#"', "x#y"]),
  fc.string({ maxLength: 5 }),
);
const indented = (text: string) =>
  text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
const NODE: fc.Memo<string> = fc.memo((n) =>
  n <= 1
    ? SCALAR
    : fc.oneof(
        SCALAR,
        fc
          .array(fc.tuple(KEY, NODE(n - 1)), { minLength: 1, maxLength: 4 })
          .map((kv) => `\n${kv.map(([k, v]) => indented(`${k}: ${v}`)).join("\n")}`),
        fc
          .array(NODE(n - 1), { minLength: 1, maxLength: 4 })
          .map((vs) => `\n${vs.map((v) => indented(`- ${v}`)).join("\n")}`),
        fc.array(NODE(n - 1), { maxLength: 3 }).map((vs) => `[${vs.join(", ")}]`),
        fc
          .array(fc.tuple(KEY, NODE(n - 1)), { maxLength: 3 })
          .map((kv) => `{${kv.map(([k, v]) => `${k}: ${v}`).join(", ")}}`),
      ),
);
const CONFIG_SHAPED = fc
  .array(fc.tuple(KEY, NODE(3)), { minLength: 1, maxLength: 5 })
  .map((kv) => `${kv.map(([k, v]) => `${k}: ${v}`).join("\n")}\n`);

/** A config-shaped document with one more character somewhere, often breaking it. */
const EXTRA = fc.constantFrom(
  ...[" ", "\n", ":", "-", "'", '"', "#", "[", "{", "}", "]", ",", "|", ">", "  ", "\n  ", "&", "\n#", "# "],
);
export const CONFIG_SHAPED_OR_BROKEN = fc.oneof(
  CONFIG_SHAPED,
  fc.tuple(CONFIG_SHAPED, fc.nat(), EXTRA).map(([text, at, ch]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + ch + text.slice(i);
  }),
);
