/** Input limits (README "Limits"): untrusted trees come from anyone with try access. */
export const LIMITS = {
  /** Bytes of one config file (JD004). */
  fileBytes: 4 * 1024 * 1024,
  /** Nesting depth of mappings and lists in one file (JD006). */
  depth: 64,
  /** Alias expansions in one file, as counted by `yaml` (JD005). */
  aliases: 100,
  /** Jobs in one branch (JD043). */
  jobsPerBranch: 1_000_000,
} as const;
