/**
 * The pushed revision a 2015 job ran from, as a local git repository: the compiled `generated/` and the pinned 2015
 * mozharness at `testing/mozharness`, where gecko kept it. buildbot's builds and TaskCluster's run-task check it out.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { requireShared } from "./shared.js";

/** Writes the tree into `dir`, commits it on branch `main`; returns the commit id. */
export function makeRepository(
  dir: string,
  files: readonly { readonly path: string; readonly content: string }[],
): string {
  for (const f of files) {
    mkdirSync(dirname(join(dir, "generated", f.path)), { recursive: true });
    writeFileSync(join(dir, "generated", f.path), f.content);
  }
  cpSync(requireShared("consumers", "mozharness-2015"), join(dir, "testing", "mozharness"), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=jobdef", "-c", "user.email=jobdef@example.com", ...args], {
      cwd: dir,
      encoding: "utf8",
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "the pushed revision");
  return git("rev-parse", "HEAD").trim();
}
