/**
 * Per-platform output files between runs: the texts a target writes for one platform of a branch (the mach config,
 * the mozharness configs and their Python twins), under the key of what they are made of (`keyOf`, which also keys
 * a platform's section of the buildbot config, copied from the last output: emit/buildbot-text.ts). A platform's files are made
 * from its settings (defaults, harnesses, the branch, --set, the platform file: `platformKeys`) and its jobs, which
 * the keys of their units determine (piece-keys.ts: two units with one key make the same jobs), so the key is the
 * sha256 of the target, the platform's key and the sorted keys of the units its jobs come from. After a platform
 * edit, the other platforms' files are not made again. Only files made without a diagnostic are kept; one record per
 * tree and branch (store.ts: checksummed, of this jobdef's code only).
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { type Job, sameSuite } from "../expand/jobs.js";
import type { Branch, Layer, Tree } from "../model.js";
import { byCodePoint } from "../values.js";
import { DEFAULT_VOCABULARY } from "../vocabulary.js";
import { platformKeys, unitKeys } from "./piece-keys.js";
import { KeptEntries, recordName } from "./store.js";

/** A platform's files as kept: [path, text] in the order the target makes them. */
type KeptFiles = readonly (readonly [string, string])[];

const KEY_FORMAT = "jobdef platform files 1";

function isKeptFiles(v: unknown): v is KeptFiles {
  return (
    Array.isArray(v) &&
    v.every((f) => Array.isArray(f) && f.length === 2 && typeof f[0] === "string" && typeof f[1] === "string")
  );
}

/** A file whose text can be read once it is made (output-file.ts `textFile`). */
interface MadeFile {
  readonly path: string;
  readonly content: string;
}

/** One platform's files of one target: kept from an earlier run, or to be kept once made. */
export interface PlatformFilesEntry {
  /** The texts kept for exactly these paths, or undefined when they must be made. */
  kept(paths: readonly string[]): readonly string[] | undefined;
  /** Keeps the files once they are written (their texts are read then: made once, for the write). */
  keep(files: readonly MadeFile[]): void;
}

export class PlatformFiles {
  private readonly branches = new Map<string, KeptEntries<KeptFiles>>();
  private readonly toKeep: { record: KeptEntries<KeptFiles>; key: string; files: readonly MadeFile[] }[] = [];
  private readonly units = new WeakMap<readonly Job[], string>();
  readonly notes: string[] = [];
  /** How many platforms' files were reused and how many made (for --debug). */
  reused = 0;
  made = 0;

  constructor(
    private readonly cacheDir: string,
    private readonly root: string,
    private readonly overrides: readonly Layer[] = [],
  ) {}

  /** The entry of `target`'s files for `platform` of `branch`, whose jobs there are `jobs`; none for another vocabulary. */
  of(
    target: string,
    tree: Tree,
    branch: Branch,
    platform: string,
    jobs: readonly Job[],
  ): PlatformFilesEntry | undefined {
    const key = this.keyOf(target, tree, branch, platform, jobs);
    if (key === undefined) return undefined;
    const record = this.record(branch.name);
    return {
      kept: (paths) => {
        const files = record.get(key);
        const same = files?.length === paths.length && files.every(([path], i) => path === paths[i]);
        if (same) this.reused++;
        else this.made++;
        return same ? files.map(([, text]) => text) : undefined;
      },
      keep: (files) => this.toKeep.push({ record, key, files }),
    };
  }

  /**
   * The key of what `target` makes for `platform` of `branch`, whose jobs there are `jobs` (also of a platform's
   * section of a larger file, copied by the pieces of the last output); none for another vocabulary.
   */
  keyOf(target: string, tree: Tree, branch: Branch, platform: string, jobs: readonly Job[]): string | undefined {
    if (tree.vocabulary !== DEFAULT_VOCABULARY) return undefined;
    const units = this.unitsOf(tree, branch, jobs);
    return createHash("sha256")
      .update(`${KEY_FORMAT}\0${target}\0${platformKeys(tree, branch, this.overrides)(platform)}\0${units}`)
      .digest("hex");
  }

  /** After a successful write: keeps the files made in this run, and drops what no run asked for. */
  save(): void {
    for (const { record, key, files } of this.toKeep)
      record.put(
        key,
        files.map((f) => [f.path, f.content] as const),
      );
    for (const record of this.branches.values()) record.save();
  }

  /** The sorted keys of the units `jobs` come from, joined (asked once per platform by every target). */
  private unitsOf(tree: Tree, branch: Branch, jobs: readonly Job[]): string {
    let units = this.units.get(jobs);
    if (units === undefined) {
      const unitKey = unitKeys(tree, branch, this.overrides);
      const keys = new Set<string>();
      // the chunks of a unit follow each other: one key each
      for (let i = 0; i < jobs.length; i++)
        if (i === 0 || !sameSuite(jobs[i]!, jobs[i - 1]!)) keys.add(unitKey(jobs[i]!));
      units = [...keys].sort(byCodePoint).join("\0");
      this.units.set(jobs, units);
    }
    return units;
  }

  private record(branch: string): KeptEntries<KeptFiles> {
    let record = this.branches.get(branch);
    if (!record) {
      const name = recordName("platform-files", `${resolve(this.root)}\0${branch}`);
      record = new KeptEntries({ cacheDir: this.cacheDir, name, kind: "platform-files" }, isKeptFiles, this.notes);
      this.branches.set(branch, record);
    }
    return record;
  }
}
