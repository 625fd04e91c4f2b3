/**
 * The official TaskCluster schemas of ../shared/reference/taskcluster/, compiled with ajv: the queue's
 * create-task request, the docker-worker and generic-worker payloads, and Treeherder's `extra.treeherder`.
 * Loading throws when a schema is missing or does not compile, so a test using them cannot pass vacuously.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { REPO } from "./tree.js";

export const REFERENCE = join(REPO, "..", "shared", "reference", "taskcluster");
const DRAFT_06 = "http://json-schema.org/draft-06/schema#";
const draft06 = createRequire(import.meta.url)("ajv/dist/refs/json-schema-draft-06.json") as Record<string, unknown>;

export interface TaskclusterSchemas {
  readonly queue: ValidateFunction;
  readonly dockerWorker: ValidateFunction;
  readonly genericWorkerPosix: ValidateFunction;
  readonly genericWorkerWindows: ValidateFunction;
  readonly treeherder: ValidateFunction;
}

/** Taskcluster's own metaschema (`/schemas/common/metaschema.json#`) is draft-06 with extra keywords. */
function asDraft06(schema: Record<string, unknown>): Record<string, unknown> {
  return { ...schema, $schema: DRAFT_06 };
}

function read(name: string): Record<string, unknown> {
  const text = readFileSync(join(REFERENCE, name), "utf8");
  return (name.endsWith(".json") ? JSON.parse(text) : parse(text)) as Record<string, unknown>;
}

/** Compiles every schema; throws on the first that fails to load. */
export function loadTaskclusterSchemas(): TaskclusterSchemas {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(draft06);
  addFormats.default(ajv);
  const compile = (name: string) => {
    try {
      return ajv.compile(asDraft06(read(name)));
    } catch (e) {
      throw new Error(`schema ${name} failed to load: ${(e as Error).message}`);
    }
  };
  return {
    queue: compile("resolved.queue.v1.create-task-request.json"),
    dockerWorker: compile("resolved.docker-worker.v1.payload.json"),
    genericWorkerPosix: compile("generic-worker.multiuser_posix.yml"),
    genericWorkerWindows: compile("generic-worker.multiuser_windows.yml"),
    treeherder: compile("resolved.treeherder.v1.task-treeherder-config.json"),
  };
}

/** ajv's errors of the last validation, one line each. */
export function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`)
    .join("; ");
}
