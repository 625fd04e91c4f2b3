/**
 * Worker payloads: docker-worker (Linux, Android) and generic-worker (macOS: argv lists; Windows: command lines).
 * Each payload is built from a worker-neutral `PayloadInput`, and returns the scopes it needs.
 */

import { canonical } from "./serialize.js";
import type { Arg } from "./taskcluster-command.js";
import { joinPath } from "./taskcluster-command.js";
import { escapeTaskReference, relativeDatestamp, type Str, taskReference } from "./taskcluster-refs.js";

export interface ArtifactSpec {
  readonly name: string;
  /** Relative to the checkout root. */
  readonly path: string;
  readonly type: "file" | "directory";
}

export interface PayloadInput {
  /** The command after the checkout prefix, and the checkout-relative working directory. */
  readonly command: readonly Arg[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, Str>>;
  readonly artifacts: readonly ArtifactSpec[];
  readonly maxRunTime: number;
  readonly retryExitStatus: readonly number[];
  readonly features: Readonly<Record<string, boolean>>;
  readonly loopbackVideo: boolean;
  /** Whether the worker runs Linux (loopback devices exist only there). */
  readonly linux: boolean;
  readonly image?: string;
  /** Caches are shared by branches of one commit-access level. */
  readonly level: number;
  /** `<provisioner>/<worker type>`, for scopes named after the pool. */
  readonly taskQueueId: string;
  /** Where generic-worker fetches run-task from (a parameter reference to the pushed revision). */
  readonly runTaskUrl: Str;
  /** Renders Windows command lines (for the graph being rendered). */
  readonly lines: CommandLines;
  readonly expires: string;
}

export interface Payload {
  readonly payload: Record<string, unknown>;
  readonly scopes: string[];
}

const DOCKER_HOME = "/home/worker";
const CHECKOUT = "checkouts/gecko";

/** Which worker runs a task, and on which OS family (generic-worker renders commands per OS). */
export type WorkerKind = "docker-worker" | "generic-worker-posix" | "generic-worker-windows";

/** The payload of a worker; its keys are in code-point order (user-given maps sorted), as the output needs them. */
export function workerPayload(p: PayloadInput, kind: WorkerKind): Payload {
  return kind === "docker-worker" ? dockerWorkerPayload(p) : genericWorkerPayload(p, kind);
}

/**
 * The payload's `command` for `command` run by run-task in the checkout-relative `cwd`. Programs are named, not
 * pathed: a worker image provides `run-task` (docker-worker), `python3` and `python2.7` on its PATH (README, "Using
 * the output: TaskCluster"), so a task runs on any image that does, not only where one image keeps them.
 */
export function workerCommand(kind: WorkerKind, command: readonly Arg[], cwd: string, lines: CommandLines): unknown[] {
  if (kind === "docker-worker") {
    // the cache mount point: docker-worker creates it in any image
    const checkout = `${DOCKER_HOME}/${CHECKOUT}`;
    return withPrefix(["run-task"], checkout, joinPath(checkout, cwd), command);
  }
  const argv = withPrefix(["python3", "run-task"], CHECKOUT, joinPath(CHECKOUT, cwd), command);
  return kind === "generic-worker-windows" ? [lines.commandLine(argv)] : [argv];
}

/** docker-worker: run-task from the image, the checkout in a cache, artifacts as a map. */
function dockerWorkerPayload(p: PayloadInput): Payload {
  const cache = `level-${p.level}-checkouts`;
  const scopes = [`docker-worker:cache:${cache}`];
  // keys in code-point order (see taskcluster.ts)
  const payload: Record<string, unknown> = {
    artifacts: canonical(
      Object.fromEntries(
        p.artifacts.map((a) => [
          a.name,
          {
            expires: relativeDatestamp(p.expires),
            path: joinPath(`${DOCKER_HOME}/${CHECKOUT}`, a.path),
            type: a.type,
          },
        ]),
      ),
    ),
    cache: { [cache]: `${DOCKER_HOME}/checkouts` },
  };
  if (p.loopbackVideo) payload.capabilities = { devices: { loopbackVideo: true } };
  payload.command = workerCommand("docker-worker", p.command, p.cwd, p.lines);
  payload.env = canonical(p.env);
  if (Object.keys(p.features).length) payload.features = canonical(p.features);
  payload.image = p.image ?? "taskcluster/desktop-test:latest";
  payload.maxRunTime = p.maxRunTime;
  if (p.retryExitStatus.length) payload.onExitStatus = { retry: [...p.retryExitStatus] };
  for (const [name, on] of Object.entries(p.features))
    if (on && name === "allowPtrace") scopes.push("docker-worker:feature:allowPtrace");
  if (p.loopbackVideo) scopes.push("docker-worker:capability:device:loopbackVideo");
  return { payload, scopes };
}

/** generic-worker: run-task mounted from the pushed revision, the checkout in a cache, artifacts as a list. */
function genericWorkerPayload(p: PayloadInput, kind: WorkerKind): Payload {
  const cache = `level-${p.level}-checkouts`;
  const scopes = [`generic-worker:cache:${cache}`];
  const features: Record<string, boolean> = { ...p.features };
  // v4l2loopback exists on Linux only: macOS and Windows workers have no such device to give
  if (p.loopbackVideo && p.linux) {
    features.loopbackVideo = true;
    scopes.push(`generic-worker:loopback-video:${p.taskQueueId}`);
  }
  // keys in code-point order (see taskcluster.ts)
  const payload: Record<string, unknown> = {
    artifacts: p.artifacts.map((a) => ({
      expires: relativeDatestamp(p.expires),
      name: a.name,
      path: joinPath(CHECKOUT, a.path),
      type: a.type,
    })),
    command: workerCommand(kind, p.command, p.cwd, p.lines),
    env: canonical(p.env),
  };
  if (Object.keys(features).length) payload.features = canonical(features);
  payload.maxRunTime = p.maxRunTime;
  payload.mounts = [
    { cacheName: cache, directory: "checkouts" },
    { content: { url: p.runTaskUrl }, file: "run-task" },
  ];
  if (p.retryExitStatus.length) payload.onExitStatus = { retry: [...p.retryExitStatus] };
  return { payload, scopes };
}

function withPrefix(runTask: string[], checkout: string, cwd: string, command: readonly Arg[]): Arg[] {
  return [...runTask, `--vcs-checkout=${checkout}`, `--task-cwd=${cwd}`, "--", ...command];
}

/**
 * One cmd.exe line (generic-worker writes it into a batch file) that gives the program exactly `argv`: each argument
 * quoted for the C runtime's parser, then every cmd metacharacter escaped with `^` and `%` doubled, so no argument
 * can expand a variable or start another command. Task references stay references: their `<name>` tokens become
 * task ids, which contain no character that needs quoting.
 */
export function windowsCommandLine(argv: readonly Arg[]): Str {
  return new CommandLines().commandLine(argv);
}

/** `windowsCommandLine` for many tasks: their literal arguments repeat (flags, paths, chunk numbers), quoted once. */
export class CommandLines {
  private readonly literals = new Map<string, QuotedArgument>();

  commandLine(argv: readonly Arg[]): Str {
    const rendered = argv.map((arg) => this.quoted(arg));
    if (!rendered.some((r) => r.token)) return rendered.map((r) => r.plain).join(" ");
    return taskReference(rendered.map((r) => r.reference).join(" "));
  }

  private quoted(arg: Arg): QuotedArgument {
    if (typeof arg !== "string") return quotedReference(arg["task-reference"]);
    let q = this.literals.get(arg);
    if (!q) {
      const plain = `${CMD_QUOTE}${cmdEscape(crtQuoteBody(arg, true))}${CMD_QUOTE}`;
      q = { plain, reference: escapeTaskReference(plain), token: false };
      this.literals.set(arg, q);
    }
    return q;
  }
}

/** One argument on the cmd.exe line: as plain text, and as task-reference text (literal `<` doubled). */
interface QuotedArgument {
  readonly plain: string;
  readonly reference: string;
  /** It holds a `<name>` token, so the line must be a task reference. */
  readonly token: boolean;
}

function quotedReference(template: string): QuotedArgument {
  // pieces alternate: literal text, then `<` (an escaped literal) or a `<name>` token
  const pieces = template.split(/(<<|<[^<>]+>)/).map((p) => (p === "<<" ? "<" : p));
  let plain = CMD_QUOTE;
  let reference = CMD_QUOTE;
  let token = false;
  pieces.forEach((piece, j) => {
    if (j % 2 === 1 && piece !== "<") {
      token = true;
      plain += piece;
      reference += piece;
    } else {
      const text = cmdEscape(crtQuoteBody(piece, j === pieces.length - 1));
      plain += text;
      reference += escapeTaskReference(text);
    }
  });
  return { plain: plain + CMD_QUOTE, reference: reference + CMD_QUOTE, token };
}

/** Inside a double-quoted C runtime argument: backslashes before a quote (or the closing one) doubled, quotes escaped. */
function crtQuoteBody(text: string, last: boolean): string {
  if (!text.includes('"') && !text.endsWith("\\")) return text; // nothing to double or escape (most arguments)
  const body = text.replace(/(\\*)"/g, '$1$1\\"');
  return last ? body.replace(/(\\+)$/, "$1$1") : body;
}

const CMD_SPECIAL = /[%()!^"<>&|]/;
const CMD_QUOTE = '^"'; // cmdEscape('"')

function cmdEscape(s: string): string {
  if (!CMD_SPECIAL.test(s)) return s;
  return s.replace(/%/g, "%%").replace(/([()!^"<>&|])/g, "^$1");
}
