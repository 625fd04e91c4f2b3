/**
 * The text of every input already read: each config file the loader decoded, each `--set` value, a try message.
 * Diagnostics quote their source line from here, so printing one never opens a file (which could be a FIFO, a
 * huge sparse file, or outside the tree) and quotes nothing the tool did not read as input.
 */

interface Lines {
  readonly text: string;
  /** Offsets where each line starts, computed when a line is first wanted. */
  starts?: number[];
}

const texts = new Map<string, Lines>();

/** Records `text` as the content of `file` (a path relative to the root, or a pseudo file name). */
export function rememberSource(file: string, text: string): void {
  texts.set(file, { text });
}

/** The text remembered for `from` also under `to` (a diagnostic's file renamed for printing); nothing when unknown. */
export function aliasSource(from: string, to: string): void {
  const lines = texts.get(from);
  if (lines) texts.set(to, lines);
}

/** Line `line` (1-based) of a remembered text, without its end; undefined when unknown. */
export function sourceLine(file: string, line: number): string | undefined {
  const lines = texts.get(file);
  if (!lines || line < 1) return undefined;
  lines.starts ??= lineStarts(lines.text);
  const start = lines.starts[line - 1];
  if (start === undefined) return undefined;
  const next = lines.starts[line];
  const end = next === undefined ? lines.text.length : next - 1;
  return lines.text.slice(start, lines.text[end - 1] === "\r" ? end - 1 : end);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}
