/**
 * Input and output limits (README "Limits"): untrusted trees come from anyone with try access. None is overridable
 * from the tree or the command line, which whoever pushes controls; each is far above Mozilla's real scale (the
 * embedded tree, the 50,000-job bench tree), and raising one is a reviewed change here.
 */
export const LIMITS = {
  /** Bytes of one config file (JD004). */
  fileBytes: 4 * 1024 * 1024,
  /** Config files in one tree (JD066): the embedded tree has 61, the 50,000-job bench tree 367. */
  configFiles: 50_000,
  /** Bytes of all config files of one tree together (JD069): the 50,000-job bench tree has 0.2 MiB. */
  configBytes: 32 * 1024 * 1024,
  /** Entries of one mapping or list as written in one file (JD067): a real `env` has tens. */
  entries: 200_000,
  /** Nesting depth of mappings and lists in one file (JD006). */
  depth: 64,
  /** Alias expansions in one file, as counted by `yaml` (JD005). */
  aliases: 100,
  /** Jobs in one branch (JD043). */
  jobsPerBranch: 1_000_000,
  /**
   * Suite × platform × build type combinations one branch considers, jobs or not (JD043): the embedded tree has 429,
   * the 50,000-job bench tree 14,985, the audit's 20,000 suite files 60,006.
   */
  combinationsPerBranch: 2_000_000,
  /** Bytes of all files one compile writes (JD068): the 50,000-job bench tree's three branches are 0.8 GiB. */
  outputBytes: 2 * 1024 * 1024 * 1024,
} as const;
