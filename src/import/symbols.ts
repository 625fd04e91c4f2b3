/** Treeherder symbols for imported suites: the buildbot inputs have none, so they come from a table or a guess. */

/** Symbols Treeherder showed for buildbot's desktop test builders in 2015 (treeherder etl/buildbot.py). */
const KNOWN: Readonly<Record<string, string>> = {
  mochitest: "M()",
  "mochitest-browser-chrome": "M(bc)",
  "mochitest-other": "M(oth)",
  "mochitest-a11y": "M(a)",
  "mochitest-chrome": "M(c)",
  "mochitest-devtools-chrome": "M(dt)",
  "mochitest-gl": "M(gl)",
  "mochitest-jetpack": "M(JP)",
  "mochitest-push": "M(p)",
  "mochitest-csb": "M(csb)",
  "mochitest-e10s": "M-e10s()",
  "mochitest-e10s-browser-chrome": "M-e10s(bc)",
  "mochitest-e10s-devtools-chrome": "M-e10s(dt)",
  reftest: "R(R)",
  crashtest: "R(C)",
  jsreftest: "R(J)",
  "reftest-ipc": "R(Ripc)",
  "crashtest-ipc": "R(Cipc)",
  "reftest-no-accel": "R(Ru)",
  "reftest-omtc": "R(Ro)",
  "reftest-e10s": "R-e10s(R-e10s)",
  "crashtest-e10s": "R-e10s(C)",
  xpcshell: "X",
  cppunit: "Cpp",
  cppunittest: "Cpp",
  "cpp-gtest": "GTest",
  jittest: "Jit",
  marionette: "Mn",
  "marionette-e10s": "Mn-e10s",
  mozbase: "Mb",
  luciddream: "LD",
  "webapprt-chrome": "M(wc)",
  "web-platform-tests": "W()",
  "web-platform-tests-reftests": "W(Wr)",
};

/** Group names of the groups in KNOWN, for `tree.treeherder-groups`. */
export const KNOWN_GROUPS: Readonly<Record<string, string>> = {
  M: "Mochitest",
  "M-e10s": "Mochitest e10s",
  R: "Reftest",
  "R-e10s": "Reftest e10s",
  W: "W3C Web Platform Tests",
};

export interface SymbolChoice {
  readonly symbol: string;
  /** True when the symbol is not from the 2015 table: the user should check it. */
  readonly guessed: boolean;
}

/** Symbols for `suites` (in order): the table's where it knows the suite and the symbol is free, else initials made unique. */
export function chooseSymbols(suites: readonly string[]): Map<string, SymbolChoice> {
  const out = new Map<string, SymbolChoice>();
  const taken = new Set<string>();
  for (const s of suites) {
    const known = KNOWN[s];
    if (known && !taken.has(known)) {
      out.set(s, { symbol: known, guessed: false });
      taken.add(known);
    }
  }
  for (const s of suites) {
    if (out.has(s)) continue;
    const symbol = uniqueGuess(s, taken);
    out.set(s, { symbol, guessed: true });
    taken.add(symbol);
  }
  return out;
}

function uniqueGuess(suite: string, taken: ReadonlySet<string>): string {
  const words = suite.split(/[-._]+/).filter(Boolean);
  const initials = words.map((w) => w[0]).join("");
  const base = initials.charAt(0).toUpperCase() + initials.slice(1);
  // Lengthen with letters of the last word, never digits: Treeherder appends the chunk number to the symbol.
  const last = words.at(-1) ?? "";
  for (let n = 1; n <= last.length; n++) {
    const candidate = base + last.slice(1, n);
    if (!taken.has(candidate)) return candidate;
  }
  let candidate = `${base}x`;
  while (taken.has(candidate)) candidate += "x";
  return candidate;
}
