/**
 * `jobdef compile --watch`: compiles, then again whenever a file under configs/ changes (events debounced, so an
 * editor's burst of writes is one run; a change during a run queues one more run after it). Each run prints one
 * status line: files written, jobs changed since the last good run, the time taken. A run that fails (a file
 * half-saved, or invalid) prints its diagnostics and leaves the output as the last good run wrote it; the next change
 * tries again. Ctrl-C (SIGINT) or SIGTERM stops watching once the run under way, if any, has finished.
 */
import { createHash } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { join } from "node:path";
import type { BranchJobs } from "../expand.js";
import { rootOf } from "./common.js";
import { type CompileOptions, compileOnce, printRun } from "./compile.js";
import { EXIT, ExitError } from "./errors.js";

/** Quiet time after the last event before compiling: an editor's save is a few events within milliseconds. */
const DEBOUNCE_MS = 150;

export async function watchCompile(o: CompileOptions): Promise<void> {
  const configs = join(rootOf(o), "configs");
  let last: Map<string, string> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let queued = false;
  let stopping = false;
  let running: Promise<void> | undefined;
  let finish: (error?: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = (error) => (error === undefined ? resolve() : reject(error));
  });

  const runOnce = async (first: boolean): Promise<void> => {
    const start = performance.now();
    try {
      const run = await compileOnce(o, { mayProve: first });
      const now = run.branches && jobFingerprints(run.branches);
      printRun(o, run, start, now && last ? `; ${describeChanges(last, now)}` : "");
      if (now) last = now;
    } catch (e) {
      if (!(e instanceof ExitError)) return stop(e); // a bug: report it as any command would
      const secs = ((performance.now() - start) / 1000).toFixed(2);
      process.stderr.write(
        `jobdef compile: failed (see above); the output stays as the last good run wrote it; ${secs} s\n`,
      );
    }
  };
  /** Runs now, or once more after the run under way. */
  const schedule = () => {
    if (stopping) return;
    if (running) {
      queued = true;
      return;
    }
    running = (async (first: boolean) => {
      await runOnce(first);
      while (queued && !stopping) {
        queued = false;
        await runOnce(false);
      }
      running = undefined;
    })(last === undefined && !queued);
  };
  let watcher: FSWatcher | undefined;
  const stop = async (error?: unknown) => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    watcher?.close();
    await running;
    process.stderr.write("jobdef compile --watch: stopped\n");
    finish(error);
  };

  try {
    watcher = watch(configs, { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(schedule, DEBOUNCE_MS);
    });
  } catch (e) {
    process.stderr.write(`jobdef compile --watch: cannot watch ${configs}: ${(e as Error).message}\n`);
    throw new ExitError(EXIT.diagnostics);
  }
  watcher.on("error", (e) => {
    process.stderr.write(`jobdef compile --watch: cannot watch ${configs} any more: ${e.message}\n`);
    void stop(new ExitError(EXIT.diagnostics));
  });
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  process.stderr.write(`jobdef compile --watch: watching ${configs} (Ctrl-C to stop)\n`);
  schedule();
  return done;
}

/** label → a hash of the job as expanded, to tell which jobs a run changed. */
function jobFingerprints(branches: readonly BranchJobs[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of branches) {
    for (const j of b.jobs) {
      const text = JSON.stringify([j.spec, j.chunk, j.chunks, j.treeherder]);
      out.set(`${b.branch.name} ${j.label}`, createHash("sha1").update(text).digest("base64"));
    }
  }
  return out;
}

function describeChanges(before: Map<string, string>, after: Map<string, string>): string {
  let added = 0;
  let changed = 0;
  for (const [label, hash] of after) {
    const old = before.get(label);
    if (old === undefined) added++;
    else if (old !== hash) changed++;
  }
  let removed = 0;
  for (const label of before.keys()) if (!after.has(label)) removed++;
  return `${changed + added + removed} jobs changed (${added} added, ${removed} removed)`;
}
