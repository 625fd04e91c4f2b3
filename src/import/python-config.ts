/**
 * Evaluates a 2015 mozharness Python config (`config = {...}`, computed with `os.path.join`, `platform`, `sys`) in a
 * python subprocess with a deadline, and returns its `config` as JSON text. python3 first; a file that only Python 2
 * reads (a SyntaxError, e.g. `print "x"`) is run again by python2 (`PYENV_VERSION=2.7.18`, as pyenv installs it).
 * The file is Python and runs as such: import only configs you would run with mozharness.
 */
import { spawnSync } from "node:child_process";
import { error, fail, ok, type Result } from "../diagnostics.js";

export interface PythonEvalOptions {
  /** What `os.getcwd()` returns while the config runs (the 2015 machines ran tests in /builds/slave/test). */
  readonly cwd?: string;
  /** What `sys.executable` is while the config runs. */
  readonly executable?: string;
  /** Milliseconds before the interpreter is killed. */
  readonly deadlineMs?: number;
}

export const DEFAULT_DEADLINE_MS = 20_000;

/** Runs the config; prints `json.dumps(config)`. Exit 3: no `config` dict; 4: a value JSON cannot hold. */
const EVALUATE = `
import json, os, runpy, sys
path, cwd, exe = sys.argv[1], sys.argv[2], sys.argv[3]
if cwd:
    os.getcwd = lambda: cwd
    if hasattr(os, "getcwdu"):
        os.getcwdu = lambda: cwd
if exe:
    sys.executable = exe
sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
out, sys.stdout = sys.stdout, sys.stderr  # what the config prints is not the result
config = runpy.run_path(path).get("config")
if not isinstance(config, dict):
    sys.stderr.write("the file defines no config dict\\n")
    sys.exit(3)
try:
    text = json.dumps(config, sort_keys=True)
except (TypeError, ValueError) as e:
    sys.stderr.write("config holds a value JSON cannot: %s\\n" % e)
    sys.exit(4)
out.write(text)
`;

interface Interpreter {
  readonly command: string;
  readonly env?: Record<string, string>;
}

const PYTHON3: Interpreter = { command: "python3" };
const PYTHON2: Interpreter = { command: "python2", env: { PYENV_VERSION: "2.7.18" } };

/** The config of a Python mozharness config file, as JSON text; JD064 when it cannot be evaluated. */
export function evaluatePythonConfig(path: string, options: PythonEvalOptions = {}): Result<string> {
  const first = run(PYTHON3, path, options);
  if (first.ok || !/SyntaxError/.test(first.stderr)) return settle(first, path);
  return settle(run(PYTHON2, path, options), path);
}

interface Run {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly why?: string;
}

function run(interpreter: Interpreter, path: string, options: PythonEvalOptions): Run {
  const deadline = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const r = spawnSync(interpreter.command, ["-c", EVALUATE, path, options.cwd ?? "", options.executable ?? ""], {
    encoding: "utf8",
    timeout: deadline,
    killSignal: "SIGKILL",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...interpreter.env },
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT")
    return { ok: false, stdout: "", stderr: "", why: `${interpreter.command} is not installed` };
  if (r.signal === "SIGKILL" || (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT")
    return { ok: false, stdout: "", stderr: "", why: `${interpreter.command} did not finish within ${deadline} ms` };
  if (r.status !== 0) {
    const last = (r.stderr ?? "").trim().split("\n").slice(-1)[0] ?? "";
    return { ok: false, stdout: "", stderr: r.stderr ?? "", why: `${interpreter.command} failed: ${last}` };
  }
  return { ok: true, stdout: r.stdout, stderr: r.stderr ?? "" };
}

function settle(r: Run, path: string): Result<string> {
  if (r.ok) return ok(r.stdout);
  return fail([error("JD064", `cannot import: cannot evaluate ${path}: ${r.why}`, { file: path, line: 1, column: 1 })]);
}
