/**
 * A target's files for one platform of a branch: kept from an earlier run when what they are made of is unchanged
 * (src/cache/platform-files.ts), else made, and kept when they were made without a diagnostic (a file read back
 * would not report it again).
 */
import type { Diagnostic } from "../diagnostics.js";
import { jobsOn } from "../expand.js";
import { textFile } from "./output-file.js";
import type { EmitInput, OutputFile } from "./types.js";

export function perPlatform(
  input: EmitInput,
  target: string,
  platform: string,
  paths: readonly string[],
  make: (report: (d: Diagnostic) => void) => OutputFile[],
): OutputFile[] {
  const { tree, branch } = input;
  const jobs = jobsOn(branch, platform);
  const entry = input.reference ? undefined : input.platformFiles?.of(target, tree, branch.branch, platform, jobs);
  const kept = entry?.kept(paths);
  if (kept) return paths.map((path, i) => textFile(path, kept[i]!));
  let reported = false;
  const files = make((d) => {
    reported = true;
    input.report(d);
  });
  if (!reported) entry?.keep(files);
  return files;
}
