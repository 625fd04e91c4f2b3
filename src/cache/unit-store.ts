/**
 * Expanded jobs between runs: for each unit (a suite on a platform and build type of a branch, keyed by piece-keys.ts),
 * whether its suite runs there and, when it does, its merged and validated job (the value every chunk shares) and
 * harness. Only units whose expansion raised no diagnostic at all are kept, so a unit read back needs no check of its
 * own: the key proves its layers are those that merged into it. Checks across units (label, symbol and builder
 * clashes, the job limit, the targets' checks) still run over every job.
 *
 * One record per suite of a branch (records.ts: written whole, checksummed), holding the units of its last compile:
 * a suite edit rewrites one record. A value that JSON cannot carry exactly (-0, a non-finite number, an undefined
 * field) is not kept.
 */
import { resolve } from "node:path";
import type { Branch, Layer, Tree } from "../model.js";
import { DEFAULT_VOCABULARY } from "../vocabulary.js";
import { type UnitPlace, unitKeys } from "./piece-keys.js";
import { KeptEntries, recordName } from "./store.js";

/** A unit as kept: null where the suite does not run; else its job's value and harness. */
export type StoredUnit = null | { readonly harness?: string; readonly spec: Record<string, unknown> };

function isStoredUnit(u: unknown): u is StoredUnit {
  if (u === null) return true;
  const { spec, harness } = (u ?? {}) as { spec?: unknown; harness?: unknown };
  const specIsMapping = typeof spec === "object" && spec !== null && !Array.isArray(spec);
  return typeof u === "object" && specIsMapping && (harness === undefined || typeof harness === "string");
}

/** The units of one compile's branches: read per suite on first use, written per suite where something changed. */
export class UnitStore {
  private readonly suites = new Map<string, SuiteUnits>();
  readonly notes: string[] = [];

  constructor(
    private readonly cacheDir: string,
    private readonly root: string,
    private readonly overrides: readonly Layer[] = [],
  ) {}

  /** The units of `branch`; undefined where none may be kept (another vocabulary than jobdef's). */
  forBranch(tree: Tree, branch: Branch): BranchUnits | undefined {
    if (tree.vocabulary !== DEFAULT_VOCABULARY) return undefined;
    const keyOf = unitKeys(tree, branch, this.overrides);
    const suiteUnits = (suite: string) => {
      const name = recordName("units", `${resolve(this.root)}\0${branch.name}\0${suite}`);
      let units = this.suites.get(name);
      if (!units) {
        units = new SuiteUnits(this.cacheDir, name, this.notes);
        this.suites.set(name, units);
      }
      return units;
    };
    return {
      key: keyOf,
      get: (place, key) => suiteUnits(place.suite).get(key),
      put: (place, key, unit) => suiteUnits(place.suite).put(key, unit),
    };
  }

  /** Writes the record of every suite whose units changed. */
  save(): void {
    for (const units of this.suites.values()) units.save();
  }

  /** How many units were read back and how many expanded (for --debug). */
  counts(): { reused: number; expanded: number } {
    let reused = 0;
    let expanded = 0;
    for (const s of this.suites.values()) {
      reused += s.reused;
      expanded += s.expanded;
    }
    return { reused, expanded };
  }
}

/** What expansion asks of the store for one branch. */
export interface BranchUnits {
  readonly key: (place: UnitPlace) => string;
  /** The unit kept under `key`, or undefined when there is none. */
  get(place: UnitPlace, key: string): StoredUnit | undefined;
  /** Keeps a unit expanded without diagnostics. */
  put(place: UnitPlace, key: string, unit: StoredUnit): void;
}

/** One suite's units: kept entries, counting the units expanded again. */
class SuiteUnits {
  private readonly kept: KeptEntries<StoredUnit>;
  expanded = 0;

  constructor(cacheDir: string, name: string, notes: string[]) {
    this.kept = new KeptEntries({ cacheDir, name, kind: "units" }, isStoredUnit, notes);
  }

  get reused(): number {
    return this.kept.reused;
  }

  get(key: string): StoredUnit | undefined {
    return this.kept.get(key);
  }

  put(key: string, unit: StoredUnit): void {
    this.expanded++;
    if (unit === null || exactInJson(unit.spec)) this.kept.put(key, unit);
  }

  save(): void {
    this.kept.save(); // units of the last compile no longer used are dropped with the record
  }
}

/** Whether JSON gives back exactly this value: no -0, no non-finite number, no undefined field or element. */
function exactInJson(value: unknown): boolean {
  let exact = true;
  JSON.stringify(value, (_key, v) => {
    if (v === undefined || (typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0)))) exact = false;
    return v;
  });
  return exact;
}
