/**
 * The 2015 references of the every-job test, recorded: the harness command the real 2015 mozharness builds from the
 * hand-written 2015 configs for each suite and chunk. Those inputs change only when the simulated machine, the
 * pinned mozharness or the emitted in-tree config a reference borrows changes, so a reference is looked up by the
 * key of its exact inputs (runKey) and the record is only trusted for the machine digest it was made with; any
 * reference it lacks runs live. `npm run test:every-job:record` writes it anew.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { writeFileAtomic } from "../../src/replace-file.js";
import { withoutBuildDir } from "./every-job.js";
import type { MachineResult } from "./machine-2015.js";
import { requireShared } from "./shared.js";
import { REPO } from "./tree.js";

export const RECORD_PATH = join(REPO, "test", "recorded", "mozharness-2015-references.json");
const MACHINE_FILES = [
  join(REPO, "test", "python", "machine_2015.py"),
  join(REPO, "test", "helpers", "machine-2015.ts"),
];

/** What a recorded reference keeps of its run: enough for the comparison and for a readable failure. */
type RecordedResult = Pick<MachineResult, "ok" | "exit" | "harness" | "harness_cwd" | "error" | "log_tail">;

interface ReferenceRecord {
  readonly machine: string;
  readonly references: Record<string, RecordedResult>;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .filter((f) => statSync(f).isFile() && !f.endsWith(".pyc"));
}

/** The digest of what makes a reference's result: the simulated machine and every file of the pinned mozharness. */
export function machineDigest(): string {
  const mozharness = requireShared("consumers", "mozharness-2015");
  const hash = createHash("sha256");
  for (const file of MACHINE_FILES) hash.update(relative(REPO, file)).update("\0").update(readFileSync(file));
  for (const file of filesUnder(mozharness).sort())
    hash.update(relative(mozharness, file)).update("\0").update(readFileSync(file));
  return hash.digest("hex");
}

/** The recorded references by run key, empty when there is no record or it was made on another machine. */
export function readReferenceRecord(digest: string): Map<string, MachineResult> {
  if (!existsSync(RECORD_PATH)) return new Map();
  const record = JSON.parse(readFileSync(RECORD_PATH, "utf8")) as ReferenceRecord;
  if (record.machine !== digest) return new Map();
  return new Map(Object.entries(record.references).map(([key, r]) => [key, { ...r, id: key }]));
}

/**
 * Writes the record of these references (only successful runs: a failing reference is never trusted), the fake
 * build's temporary directory as `<build>`, so the same runs make the same record.
 */
export function writeReferenceRecord(digest: string, results: ReadonlyMap<string, MachineResult>): number {
  const references: Record<string, RecordedResult> = {};
  for (const key of [...results.keys()].sort()) {
    const r = results.get(key)!;
    if (r.ok)
      references[key] = {
        ok: r.ok,
        exit: r.exit,
        harness: r.harness && withoutBuildDir(r.harness),
        harness_cwd: r.harness_cwd,
      };
  }
  mkdirSync(dirname(RECORD_PATH), { recursive: true });
  writeFileAtomic(
    RECORD_PATH,
    `${JSON.stringify({ machine: digest, references } satisfies ReferenceRecord, null, 1)}\n`,
  );
  return Object.keys(references).length;
}
