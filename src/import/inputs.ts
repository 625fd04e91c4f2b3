/** Reads the 2015 config formats `jobdef import` drafts from, checking each has the shape it needs. */
import { type Diagnostic, error } from "../diagnostics.js";
import { isMapping } from "../values.js";

export interface InputText {
  /** The path shown in diagnostics. */
  readonly path: string;
  readonly text: string;
}

/** An `all_<h>_suites` entry: options, or options with an environment. */
export type SuiteOptions =
  | readonly string[]
  | { readonly options: readonly string[]; readonly env?: Record<string, string> };

export interface MozharnessConfig {
  readonly path: string;
  readonly runFileNames: Readonly<Record<string, string>>;
  readonly zipDirs: Readonly<Record<string, readonly string[]>>;
  readonly minimumZipDirs?: readonly string[];
  /** harness → suite → options. */
  readonly suites: Readonly<Record<string, Readonly<Record<string, SuiteOptions>>>>;
  /** Every other top-level key, as it is. */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface SuiteDefinition {
  readonly options?: readonly string[];
  readonly runFile?: string;
  readonly testsDir?: string;
}

export interface InTreeConfig {
  readonly path: string;
  readonly definitions: Readonly<Record<string, SuiteDefinition>>;
  readonly settings: Readonly<Record<string, unknown>>;
}

/** One `[buildername, {...}]` pair of a buildbot-configs suite list. */
export interface BuildbotEntry {
  readonly list: string;
  readonly builder: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

type Obj = Record<string, unknown>;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

class ShapeError extends Error {}

function expect(cond: boolean, what: string): asserts cond {
  if (!cond) throw new ShapeError(what);
}

function parse(
  input: InputText,
  kind: string,
  read: (v: Obj) => unknown,
): { value?: unknown; diagnostic?: Diagnostic } {
  let json: unknown;
  try {
    json = JSON.parse(input.text);
  } catch (e) {
    return { diagnostic: error("JD064", `cannot import ${kind}: not JSON (${(e as Error).message})`, at(input)) };
  }
  try {
    expect(isMapping(json), "the file must hold a JSON object");
    return { value: read(json) };
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    return { diagnostic: error("JD064", `cannot import ${kind}: ${e.message}`, at(input)) };
  }
}

const at = (input: InputText) => ({ file: input.path, line: 1, column: 1 });

function stringMap<T>(v: unknown, key: string, check: (x: unknown) => x is T, what: string): Record<string, T> {
  if (v === undefined) return {};
  expect(isMapping(v), `${key} must be a mapping`);
  for (const [k, x] of Object.entries(v)) expect(check(x), `${key}.${k} must be ${what}`);
  return v as Record<string, T>;
}

const isSuiteOptions = (x: unknown): x is SuiteOptions =>
  isStrings(x) ||
  (isMapping(x) &&
    isStrings(x.options) &&
    (x.env === undefined || (isMapping(x.env) && Object.values(x.env).every((e) => typeof e === "string"))));

const EMITTED = /^(run_file_names|specific_tests_zip_dirs|minimum_tests_zip_dirs|suite_definitions|all_.+_suites)$/;

/** A mozharness repository config (`configs/unittests/linux_unittest.py` evaluated to JSON). */
export function readMozharness(input: InputText): { value?: MozharnessConfig; diagnostic?: Diagnostic } {
  const r = parse(input, "the mozharness config", (o) => {
    const suiteKeys = Object.keys(o).filter((k) => /^all_.+_suites$/.test(k));
    // an Android emulator config (androidarm_4_3.py) selects its suites through test_suite_definitions
    expect(
      o.run_file_names !== undefined || suiteKeys.length > 0 || isMapping(o.test_suite_definitions),
      "no run_file_names, all_<harness>_suites or test_suite_definitions: this is not a mozharness test config",
    );
    const isString = (x: unknown): x is string => typeof x === "string";
    const minimum = o.minimum_tests_zip_dirs;
    expect(minimum === undefined || isStrings(minimum), "minimum_tests_zip_dirs must be a list of strings");
    const suites: Record<string, Record<string, SuiteOptions>> = {};
    for (const k of suiteKeys)
      suites[k.slice(4, -7)] = stringMap(o[k], k, isSuiteOptions, "a list of options or {options, env}");
    return {
      path: input.path,
      runFileNames: stringMap(o.run_file_names, "run_file_names", isString, "a string"),
      zipDirs: stringMap(o.specific_tests_zip_dirs, "specific_tests_zip_dirs", isStrings, "a list of strings"),
      ...(minimum ? { minimumZipDirs: minimum } : {}),
      suites,
      settings: Object.fromEntries(Object.entries(o).filter(([k]) => !EMITTED.test(k))),
    } satisfies MozharnessConfig;
  });
  return r as { value?: MozharnessConfig; diagnostic?: Diagnostic };
}

/** An in-tree config (`testing/config/mozharness/<os>_config.py`): `suite_definitions`, or older `<h>_options` keys. */
export function readInTree(input: InputText): { value?: InTreeConfig; diagnostic?: Diagnostic } {
  const r = parse(input, "the in-tree config", (o) => {
    const definitions: Record<string, SuiteDefinition> = {};
    const old = Object.keys(o).filter((k) => /^[a-z0-9]+_options$/.test(k));
    expect(o.suite_definitions !== undefined || old.length > 0, "neither suite_definitions nor <harness>_options keys");
    if (o.suite_definitions !== undefined) {
      expect(isMapping(o.suite_definitions), "suite_definitions must be a mapping");
      for (const [h, d] of Object.entries(o.suite_definitions)) {
        expect(isMapping(d), `suite_definitions.${h} must be a mapping`);
        expect(
          d.options === undefined || isStrings(d.options),
          `suite_definitions.${h}.options must be a list of strings`,
        );
        expect(
          d.run_filename === undefined || typeof d.run_filename === "string",
          `suite_definitions.${h}.run_filename must be a string`,
        );
        expect(
          d.testsdir === undefined || typeof d.testsdir === "string",
          `suite_definitions.${h}.testsdir must be a string`,
        );
        definitions[h] = {
          ...(d.options ? { options: d.options as string[] } : {}),
          ...(d.run_filename ? { runFile: d.run_filename as string } : {}),
          ...(d.testsdir ? { testsDir: d.testsdir as string } : {}),
        };
      }
    }
    for (const k of old) {
      expect(isStrings(o[k]), `${k} must be a list of strings`);
      definitions[k.slice(0, -8)] ??= { options: o[k] as string[] };
    }
    const settings = Object.fromEntries(Object.entries(o).filter(([k]) => !EMITTED.test(k) && !old.includes(k)));
    return { path: input.path, definitions, settings } satisfies InTreeConfig;
  });
  return r as { value?: InTreeConfig; diagnostic?: Diagnostic };
}

/** buildbot-configs suite lists: NAME → `[[buildername, {...}], ...]`, in file order. */
export function readBuildbot(input: InputText): { value?: Map<string, BuildbotEntry[]>; diagnostic?: Diagnostic } {
  const r = parse(input, "the buildbot suite lists", (o) => {
    const lists = new Map<string, BuildbotEntry[]>();
    for (const [list, entries] of Object.entries(o)) {
      expect(Array.isArray(entries), `${list} must be a list of [buildername, {settings}] pairs`);
      lists.set(
        list,
        entries.map((e, i) => {
          expect(
            Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && isMapping(e[1]),
            `${list}[${i}] must be a [buildername, {settings}] pair`,
          );
          const s = e[1] as Obj;
          expect(
            s.extra_args === undefined || isStrings(s.extra_args),
            `${list}[${i}].extra_args must be a list of strings`,
          );
          for (const n of ["script_maxtime", "totalChunks", "timeout"])
            expect(
              s[n] === undefined || (Number.isInteger(s[n]) && (s[n] as number) > 0),
              `${list}[${i}].${n} must be a positive integer`,
            );
          return { list, builder: e[0] as string, settings: s };
        }),
      );
    }
    return lists;
  });
  return r as { value?: Map<string, BuildbotEntry[]>; diagnostic?: Diagnostic };
}
