/** `--set path=value` arguments → the top job layer (provenance "command line"); values are parsed as YAML. */
import { checkJobLayer } from "./check-layer.js";
import { type Diagnostic, error, fail, ok, type Result } from "./diagnostics.js";
import type { Layer } from "./model.js";
import { parseSource } from "./parse-yaml.js";
import { setOwn } from "./values.js";
import { DEFAULT_VOCABULARY, type Vocabulary } from "./vocabulary.js";

/** One layer per argument, in order, so a later `--set` wins over an earlier one. */
export function parseSetOverrides(
  args: readonly string[],
  vocabulary: Vocabulary = DEFAULT_VOCABULARY,
): Result<Layer[]> {
  const diagnostics: Diagnostic[] = [];
  const layers: Layer[] = [];
  for (const arg of args) {
    const label = `--set ${arg}`;
    const eq = arg.indexOf("=");
    const path = eq < 0 ? [] : arg.slice(0, eq).split(".");
    if (eq < 0 || path.some((s) => !/^[A-Za-z0-9_$-][A-Za-z0-9_.$-]*$/.test(s))) {
      diagnostics.push(
        error(
          "JD050",
          `${label}: expected path=value with a dotted path of job fields, e.g. --set chunks=4 or --set mozharness.extra-args='[--e10s]'`,
          { file: "(command line)", line: 1, column: 1 },
        ),
      );
      continue;
    }
    const text = arg.slice(eq + 1);
    const parsed = parseSource(
      label,
      "suite",
      "command-line",
      `value: ${text.includes("\n") ? JSON.stringify(text) : text}\n`,
      diagnostics,
    );
    if (!parsed) continue;
    const value = (parsed.value as { value: unknown }).value;
    let nested: Record<string, unknown> = {};
    const root = nested;
    path.forEach((seg, i) => {
      const next = i === path.length - 1 ? value : {};
      setOwn(nested, seg, next);
      nested = next as Record<string, unknown>;
    });
    const before = diagnostics.length;
    checkJobLayer(root, parsed, [], diagnostics, vocabulary);
    if (diagnostics.length === before) layers.push({ kind: "command-line", file: parsed, path: [], value: root });
  }
  return diagnostics.length ? fail(diagnostics) : ok(layers);
}
