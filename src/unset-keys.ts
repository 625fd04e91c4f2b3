/**
 * Keys a merged job needs that a layer unset with `null` (which deletes a key): found in the layers, so that the
 * diagnostic points at the `null` rather than at the suite, and says why the key is gone. Part of expand's checks.
 */
import type { Position } from "./diagnostics.js";
import { keyedByAttribute } from "./keyed-by.js";
import type { Layer } from "./model.js";
import type { ErrorObject } from "./schemas.js";
import type { PathSegment } from "./source.js";
import { isMapping } from "./values.js";

export interface UnsetKey {
  /** The missing key's path in the merged job. */
  readonly path: readonly string[];
  /** Where the `null` that unset it is written. */
  readonly at: Position;
}

/** The `required` errors of keys a layer set to null, and the other errors. */
export function unsetKeys(
  errors: readonly ErrorObject[],
  layers: readonly Layer[],
): { unset: UnsetKey[]; rest: ErrorObject[] } {
  const unset: UnsetKey[] = [];
  const rest: ErrorObject[] = [];
  for (const e of errors) {
    const missing = e.keyword === "required" ? (e.params as { missingProperty?: string }).missingProperty : undefined;
    const path = missing === undefined ? [] : [...e.instancePath.split("/").slice(1), missing];
    const at = missing === undefined ? undefined : nullAt(layers, path);
    if (at) unset.push({ path, at });
    else rest.push(e);
  }
  return { unset, rest };
}

/** The highest layer's `null` on `path` (or on a mapping above it), in any keyed-by arm on the way. */
function nullAt(layers: readonly Layer[], path: readonly string[]): Position | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const { file, value, path: base } = layers[i];
    const at = file && find(value, path, [...base]);
    if (at) return file.positionOf(at);
  }
  return undefined;
}

function find(value: unknown, path: readonly string[], at: PathSegment[]): PathSegment[] | undefined {
  if (value === null) return at; // the key itself, or a mapping above it
  if (!isMapping(value)) return undefined;
  const attribute = keyedByAttribute(value);
  if (attribute !== undefined) {
    const arms = value[`by-${attribute}`];
    if (!isMapping(arms)) return undefined;
    for (const arm of Object.keys(arms)) {
      const found = find(arms[arm], path, [...at, `by-${attribute}`, arm]);
      if (found) return found;
    }
    return undefined;
  }
  const [key, ...more] = path;
  if (key === undefined || !Object.hasOwn(value, key)) return undefined;
  return find(value[key], more, [...at, key]);
}
