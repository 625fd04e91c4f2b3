/**
 * The three placeholders of a TaskCluster graph file, which keep it deterministic; `materialize()` resolves them:
 * - `{"relative-datestamp": "1 day"}`: a time relative to the decision time;
 * - `{"task-reference": "…<build>…"}`: `<name>` is the task id of the dependency `name`; `<<` is a literal `<`;
 * - `{"parameter-reference": "…{revision}…"}`: `{name}` is a push parameter (revision, pushlog_id, …); `{{` is a
 *   literal `{`.
 * Only values the emitter wraps are resolved: a string from the configs stays literal wherever it appears.
 */

export interface RelativeDatestamp {
  readonly "relative-datestamp": string;
}
export interface TaskReference {
  readonly "task-reference": string;
}
export interface ParameterReference {
  readonly "parameter-reference": string;
}
/** A string of the task, or a placeholder for one. */
export type Str = string | TaskReference | ParameterReference;

/** A time `offset` after the decision time, e.g. `1 day`. */
export function relativeDatestamp(offset: string): RelativeDatestamp {
  return { "relative-datestamp": offset };
}

/** `template` with `<name>` naming dependencies; put literal text through `escapeTaskReference`. */
export function taskReference(template: string): TaskReference {
  return { "task-reference": template };
}

/** `template` with `{name}` naming push parameters; put literal text through `escapeParameterReference`. */
export function parameterReference(template: string): ParameterReference {
  return { "parameter-reference": template };
}

export function escapeTaskReference(literal: string): string {
  return literal.replaceAll("<", "<<");
}

export function escapeParameterReference(literal: string): string {
  return literal.replaceAll("{", "{{");
}
