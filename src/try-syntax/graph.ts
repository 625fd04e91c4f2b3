/** Try syntax, graph: the TaskCluster graph restricted to the selected tasks and what they depend on. */
import { byCodePoint } from "../values.js";

/** One task of `taskcluster/<branch>.json`: label → {label, attributes, dependencies, task}. */
export interface GraphTask {
  readonly label: string;
  readonly attributes?: Record<string, unknown>;
  readonly dependencies?: Record<string, string> | readonly string[];
  readonly task: unknown;
}

export interface RestrictedGraph {
  readonly graph: Record<string, GraphTask>;
  /** Selected labels with no task in the graph. */
  readonly missing: readonly string[];
}

/**
 * Keeps the selected tasks and, transitively, the dependencies present in the graph. Dependencies outside it (the
 * build tasks) stay as labels. With `--rebuild N > 1` the selected tasks carry `attributes.task_duplicates: N`, as
 * Mozilla's taskgraph marked tasks to be created N times.
 */
export function restrictGraph(
  full: Readonly<Record<string, GraphTask>>,
  labels: readonly string[],
  rebuild: number,
): RestrictedGraph {
  const keep = new Set<string>();
  const missing: string[] = [];
  const visit = (label: string) => {
    if (keep.has(label) || !Object.hasOwn(full, label)) return;
    keep.add(label);
    for (const dep of dependencyLabels(full[label])) visit(dep);
  };
  for (const label of labels) {
    if (!Object.hasOwn(full, label)) missing.push(label);
    visit(label);
  }
  const selected = new Set(labels);
  const graph: Record<string, GraphTask> = {};
  for (const label of [...keep].sort(byCodePoint)) {
    const task = full[label];
    graph[label] =
      rebuild > 1 && selected.has(label)
        ? { ...task, attributes: { ...task.attributes, task_duplicates: rebuild } }
        : task;
  }
  return { graph, missing };
}

function dependencyLabels(task: GraphTask): string[] {
  const deps = task.dependencies;
  if (!deps) return [];
  return Array.isArray(deps) ? [...deps] : Object.values(deps);
}
