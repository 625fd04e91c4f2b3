/** Try syntax, parsing: the flags of a `try:` line into a request, every part keeping its column. */
import { type Diagnostic, fail, ok, type Result } from "../diagnostics.js";
import { nearest } from "../names.js";
import { lexTryLine, sliceToken, type Token, type TryLine, tryError } from "./tokens.js";

/** `all`, `none`, or the listed items. */
export type Choice<T> =
  | { readonly kind: "all"; readonly token: Token }
  | { readonly kind: "none"; readonly token: Token }
  | { readonly kind: "list"; readonly items: readonly T[] };

/** One platform filter entry of `name[...]`: a substring a platform name must (or, with `-`, must not) contain. */
export interface PlatformFilter {
  readonly token: Token;
  readonly exclude: boolean;
}

/** One `-u` item: a try name or alias, maybe with a chunk suffix, maybe with a platform filter. */
export interface TestItem {
  readonly name: Token;
  readonly filters: readonly PlatformFilter[];
}

export interface TryRequest {
  /** The `try:` line, absent when the message has none. */
  readonly line?: TryLine;
  /** Build types from `-b` (o → opt, d → debug); absent when `-b` is missing. */
  readonly buildTypes?: readonly string[];
  readonly platforms?: Choice<Token>;
  readonly tests?: Choice<TestItem>;
  readonly talos?: Choice<Token>;
  readonly rebuild: number;
}

const BUILD_LETTERS: Readonly<Record<string, string>> = { o: "opt", d: "debug" };
export const MAX_REBUILD = 20;

type FlagName = "build" | "platform" | "unittests" | "talos" | "rebuild";
const FLAGS: Readonly<Record<string, FlagName>> = {
  "-b": "build",
  "--build": "build",
  "-p": "platform",
  "--platform": "platform",
  "-u": "unittests",
  "--unittests": "unittests",
  "-t": "talos",
  "--talos": "talos",
  "--rebuild": "rebuild",
};

/** Parses the first `try:` line of a commit message. Names are resolved later, against a branch's jobs. */
export function parseTrySyntax(message: string): Result<TryRequest> {
  const diagnostics: Diagnostic[] = [];
  const line = lexTryLine(message, diagnostics);
  if (!line) return ok({ rebuild: 1 });
  const values = collectFlags(line.words, diagnostics);
  const request: { -readonly [K in keyof TryRequest]: TryRequest[K] } = { line, rebuild: 1 };
  for (const [flag, tokens] of values) {
    switch (flag) {
      case "build":
        request.buildTypes = parseBuildTypes(tokens[0], diagnostics);
        break;
      case "platform":
        request.platforms = parseChoice(tokens, (t) => plainName(t, "-p", diagnostics), diagnostics);
        break;
      case "unittests":
        request.tests = parseChoice(tokens, (t) => parseTestItem(t, diagnostics), diagnostics);
        break;
      case "talos":
        request.talos = parseChoice(tokens, (t) => plainName(t, "-t", diagnostics), diagnostics);
        break;
      case "rebuild":
        request.rebuild = parseRebuild(tokens[0], diagnostics);
        break;
    }
  }
  return diagnostics.length ? fail(diagnostics) : ok(request);
}

/** Flag → its value tokens. A value ending in `,` continues into the next word (`-u a, b`), as 2015 allowed. */
function collectFlags(words: readonly Token[], diagnostics: Diagnostic[]): Map<FlagName, Token[]> {
  const out = new Map<FlagName, Token[]>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!word.text.startsWith("-")) {
      diagnostics.push(
        tryError(`unexpected "${word.text}": try syntax is flags with values, e.g. -b do -p linux64 -u all`, word),
      );
      continue;
    }
    const split = splitFlag(word);
    const flag = FLAGS[split.flag.text];
    if (!flag) {
      const hint = nearest(split.flag.text, Object.keys(FLAGS));
      diagnostics.push(
        tryError(
          `unknown flag "${split.flag.text}"${hint.length ? `; did you mean ${hint.join(", ")}?` : ""} (known: -b, -p, -u, -t, --rebuild)`,
          split.flag,
        ),
      );
      if (!split.value && words[i + 1] && !words[i + 1].text.startsWith("-")) i++;
      continue;
    }
    if (out.has(flag)) diagnostics.push(tryError(`${split.flag.text} is given twice`, split.flag));
    const tokens: Token[] = [];
    let value = split.value;
    if (!value && words[i + 1] && !words[i + 1].text.startsWith("-")) value = words[++i];
    if (!value) {
      diagnostics.push(tryError(`${split.flag.text} needs a value`, split.flag));
      continue;
    }
    tokens.push(value);
    while (value.text.endsWith(",") && words[i + 1] && !words[i + 1].text.startsWith("-")) {
      value = words[++i];
      tokens.push(value);
    }
    out.set(flag, tokens);
  }
  return out;
}

/** `-bdo` and `--build=do` carry their value in the same word. */
function splitFlag(word: Token): { flag: Token; value?: Token } {
  const eq = word.text.indexOf("=");
  if (word.text.startsWith("--") && eq > 0) return { flag: sliceToken(word, 0, eq), value: sliceToken(word, eq + 1) };
  if (!word.text.startsWith("--") && word.text.length > 2)
    return { flag: sliceToken(word, 0, 2), value: sliceToken(word, 2) };
  return { flag: word };
}

function parseBuildTypes(token: Token, diagnostics: Diagnostic[]): string[] {
  const types = new Set<string>();
  [...token.text].forEach((letter, i) => {
    const type = BUILD_LETTERS[letter];
    if (type) types.add(type);
    else
      diagnostics.push(tryError(`unknown build type "${letter}" in -b: use o (opt), d (debug) or both (do)`, token, i));
  });
  return [...types].sort();
}

/** Splits comma-separated items, outside brackets only; `all` and `none` stand alone. */
function parseChoice<T>(
  tokens: readonly Token[],
  item: (t: Token) => T | undefined,
  diagnostics: Diagnostic[],
): Choice<T> {
  const parts = tokens.flatMap(splitCommas);
  const items: T[] = [];
  for (const part of parts) {
    if (!part.text) {
      diagnostics.push(tryError("empty name in a comma-separated list", part));
      continue;
    }
    if ((part.text === "all" || part.text === "none") && parts.length === 1) return { kind: part.text, token: part };
    if (part.text === "none") {
      diagnostics.push(tryError(`"none" cannot be combined with other names`, part));
      continue;
    }
    const value = item(part);
    if (value !== undefined) items.push(value);
  }
  return { kind: "list", items };
}

function splitCommas(token: Token): Token[] {
  const out: Token[] = [];
  let depth = 0;
  let start = 0;
  const text = token.text;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === "[") depth++;
    else if (c === "]") depth--;
    else if ((c === "," && depth === 0) || i === text.length) {
      // a trailing comma only continues the list into the next word
      if (!(i === text.length && start === i && out.length)) out.push(sliceToken(token, start, i));
      start = i + 1;
    }
  }
  return out;
}

function plainName(token: Token, flag: string, diagnostics: Diagnostic[]): Token | undefined {
  const bracket = token.text.search(/[[\]]/);
  if (bracket < 0) return token;
  diagnostics.push(tryError(`platform filters in brackets belong to -u items, not to ${flag}`, token, bracket));
  return undefined;
}

/** `name`, `name-3`, `name[linux64,-asan]`. */
function parseTestItem(token: Token, diagnostics: Diagnostic[]): TestItem | undefined {
  const open = token.text.indexOf("[");
  if (open < 0) return { name: token, filters: [] };
  const close = token.text.indexOf("]", open);
  if (close < 0) return undefined; // the lexer reported the unclosed bracket
  if (close !== token.text.length - 1) {
    diagnostics.push(
      tryError(`unexpected "${token.text.slice(close + 1)}" after the platform filter`, token, close + 1),
    );
    return undefined;
  }
  if (open === 0) {
    diagnostics.push(tryError("a platform filter needs a test name before '['", token));
    return undefined;
  }
  const inner = sliceToken(token, open + 1, close);
  const filters: PlatformFilter[] = [];
  let at = 0;
  for (const raw of inner.text.split(",")) {
    const lead = raw.length - raw.trimStart().length;
    const entry = sliceToken(inner, at + lead, at + lead + raw.trim().length);
    at += raw.length + 1;
    const exclude = entry.text.startsWith("-");
    const body = exclude ? sliceToken(entry, 1) : entry;
    if (!body.text) diagnostics.push(tryError("empty platform in a filter", entry.text ? entry : sliceToken(inner, 0)));
    else filters.push({ token: body, exclude });
  }
  return { name: sliceToken(token, 0, open), filters };
}

function parseRebuild(token: Token, diagnostics: Diagnostic[]): number {
  const n = /^\d+$/.test(token.text) ? Number(token.text) : Number.NaN;
  if (n >= 1 && n <= MAX_REBUILD) return n;
  diagnostics.push(tryError(`--rebuild takes a whole number from 1 to ${MAX_REBUILD}, not "${token.text}"`, token));
  return 1;
}
