/** The output directory cannot be used as it is (a broken manifest or journal, a lock held too long): the user's to fix. */
export class OutputDirError extends Error {}

/** A compile's output is larger than the limit (JD068): refused before the commit, so nothing is replaced. */
export class OutputTooLargeError extends Error {
  constructor(bytes: number, limit: number) {
    super(
      `the output is more than ${limit} bytes (${bytes} produced before stopping); the limit is ${limit} bytes for all the files of one compile (nothing was written)`,
    );
  }
}

const FS_REFUSALS = new Set([
  "ENOTDIR",
  "EACCES",
  "EPERM",
  "EROFS",
  "ENOSPC",
  "EEXIST",
  "EISDIR",
  "EDQUOT",
  "ENAMETOOLONG",
  "ELOOP",
  "EFBIG",
  "EIO",
  "EXDEV",
  "ENOTEMPTY",
  "EBUSY",
  "EMLINK",
  "ETXTBSY",
]);

/** An error a user fixes (the file system refusing, a broken output directory), as opposed to a bug in jobdef. */
export function isOutputDirProblem(e: unknown): boolean {
  return e instanceof OutputDirError || FS_REFUSALS.has(String((e as NodeJS.ErrnoException)?.code));
}
