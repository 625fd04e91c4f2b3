/** The CLI entry: commander setup, one module per command, and the only place that exits. */
import { Command, CommanderError } from "commander";
import { EXIT, ExitError, UsageError } from "./errors.js";
import { escapeLines, escapeText } from "./escape.js";

/** Each command and the module that registers it, in the order the program's help lists them. */
const COMMANDS: Readonly<Record<string, string>> = {
  validate: "validate",
  list: "list",
  matrix: "matrix",
  report: "html-report",
  explain: "explain",
  try: "try",
  compile: "compile",
  check: "check",
  diff: "diff",
  import: "import",
  parity: "parity",
};

export async function main(argv: string[]): Promise<void> {
  // `jobdef list | head` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  const program = new Command("jobdef")
    .description("Compile in-tree YAML job definitions into mozharness, mach, buildbot and TaskCluster configs.")
    .version(process.env.npm_package_version ?? "0.1.0")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(escapeLines(s)) })
    .addHelpText(
      "after",
      "\nExample:\n  jobdef validate && jobdef compile\n\nExit codes: 0 ok, 1 diagnostics or failed check, 2 usage error, 70 internal error.",
    );
  const debug = argv.includes("--debug");
  try {
    // Command modules are thin; each imports the library inside its action, so `--help` loads no yaml or ajv.
    for (const m of commandModules(argv)) (await import(`./${m}.js`)).register(program);
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = exitCodeOf(e, debug);
  }
}

/**
 * The modules to register: only the named command's when the first argument names one (its parsing, errors and help
 * read no other command), else every command's, for the program's help and its unknown-command errors.
 */
function commandModules(argv: readonly string[]): string[] {
  const named = argv[2];
  return named !== undefined && Object.hasOwn(COMMANDS, named) ? [COMMANDS[named]] : Object.values(COMMANDS);
}

function exitCodeOf(e: unknown, debug: boolean): number {
  if (e instanceof ExitError) return e.code;
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help")
      return EXIT.ok;
    return EXIT.usage;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`jobdef: ${escapeText(e.message)}\n`);
    return EXIT.usage;
  }
  process.stderr.write(
    `jobdef: internal error: ${escapeText((e as Error)?.message ?? String(e))}\nThis is a bug in jobdef, not in your configs: please report it with the command you ran${debug ? "" : " (and its output with --debug)"}.\n`,
  );
  if (debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return EXIT.internal;
}
