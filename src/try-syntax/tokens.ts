/** Try syntax, lexing: find the `try:` line of a commit message and split it into positioned words. */
import { type Diagnostic, error } from "../diagnostics.js";

/** The pseudo file name try-syntax diagnostics point into (line and column within the commit message). */
export const TRY_FILE = "(try syntax)";

/** A word of the try line and where it starts (1-based line and column in the commit message). */
export interface Token {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/** The first line holding `try:`, and the words after the marker. */
export interface TryLine {
  readonly line: number;
  readonly text: string;
  readonly words: readonly Token[];
}

/** A diagnostic pointing at a token of the try line, or at a character offset inside it. */
export function tryError(message: string, at: Token, offset = 0): Diagnostic {
  return error("JD060", message, { file: TRY_FILE, line: at.line, column: at.column + offset });
}

/** The same, as a warning: the push is valid but selects less than it may seem to. */
export function tryWarning(message: string, at: Token): Diagnostic {
  return { ...tryError(message, at), severity: "warning" };
}

/** A token for a slice of another, keeping its position. */
export function sliceToken(t: Token, start: number, end?: number): Token {
  return { text: t.text.slice(start, end), line: t.line, column: t.column + start };
}

/**
 * Finds the first line containing `try:` and splits what follows on whitespace. Brackets group: a platform filter
 * may hold spaces (`mochitest[Windows XP]`), as the 2015 parser allowed. Unbalanced brackets are diagnostics.
 */
export function lexTryLine(message: string, diagnostics: Diagnostic[]): TryLine | undefined {
  const lines = message.split(/\r?\n/);
  const index = lines.findIndex((l) => l.includes("try:"));
  if (index < 0) return undefined;
  const text = lines[index];
  const line = index + 1;
  const start = text.indexOf("try:") + "try:".length;
  const words: Token[] = [];
  let word = "";
  let wordStart = 0;
  let open = -1;
  const flush = () => {
    if (word) words.push({ text: word, line, column: wordStart + 1 });
    word = "";
  };
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (open < 0 && /\s/.test(c)) {
      flush();
      continue;
    }
    if (!word) wordStart = i;
    if (c === "[") {
      if (open >= 0)
        diagnostics.push(error("JD060", "nested '[' in a platform filter", { file: TRY_FILE, line, column: i + 1 }));
      open = i;
    } else if (c === "]") {
      if (open < 0)
        diagnostics.push(error("JD060", "']' without a matching '['", { file: TRY_FILE, line, column: i + 1 }));
      open = -1;
    }
    word += c;
  }
  if (open >= 0) diagnostics.push(error("JD060", "'[' is never closed", { file: TRY_FILE, line, column: open + 1 }));
  flush();
  return { line, text, words };
}
