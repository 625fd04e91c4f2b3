/** A drafted config file: its value and the comments it should carry, before it becomes YAML text. */

export type DraftKind = "defaults" | "harnesses" | "platforms" | "suites";

export interface Note {
  /** Path of the commented value inside the file's value. */
  readonly path: readonly string[];
  readonly text: string;
  /** A value the user should review: the comment starts with `TODO: check`. */
  readonly todo?: boolean;
}

export interface Draft {
  readonly kind: DraftKind;
  /** File name without `.yml`; `defaults` for the defaults file. */
  readonly name: string;
  /** Comment lines under the schema line. */
  readonly header: readonly string[];
  readonly value: Record<string, unknown>;
  readonly notes: readonly Note[];
}

/** Path of a draft relative to the output directory. */
export function draftPath(d: Pick<Draft, "kind" | "name">): string {
  return d.kind === "defaults" ? "configs/defaults.yml" : `configs/${d.kind}/${d.name}.yml`;
}

/** A name fit for a file and a label: lower case, `_` and other separators become `-`. */
export function normaliseName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[-.]+|-+$/g, "");
}
