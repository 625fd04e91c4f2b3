/** The only exceptions: control flow at the CLI boundary. */

/** Bad arguments: exit 2. */
export class UsageError extends Error {}

/** Stop with this exit code; diagnostics were already printed. */
export class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export const EXIT = { ok: 0, diagnostics: 1, usage: 2, internal: 70 } as const;
