/**
 * Coverage of Mozilla's 2015 job definitions by the embedded tree, computed from the reference files themselves:
 * every `all_<h>_suites` entry of linux/mac/win_unittest, every Android 4.3 `test_suite_definitions` entry (the
 * Python original, evaluated), every in-tree `suite_definitions` entry (and the older in-tree `<h>_options` keys), and
 * every suite tuple of buildbot-configs' lists must be produced, with an equal value, by some branch of the embedded
 * tree, or be listed in configs/README.md's table of deliberate differences. A reference entry that no branch produces and
 * the table does not list fails the test; so does a table row that matches no uncovered entry (it went stale).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { compiledTree, referenceGroups } from "./helpers/reference-entries.js";
import { REPO } from "./helpers/tree.js";

/** The README's table of deliberate differences: each row's first cell names entries (`*` matches any text). */
function listedDifferences(): { pattern: RegExp; row: string }[] {
  const text = readFileSync(join(REPO, "configs", "README.md"), "utf8");
  const section = /\n### Deliberate differences from the 2015 configs\n([\s\S]*?)(\n#|$)/.exec(text);
  assert.ok(section, "configs/README.md has no section '### Deliberate differences from the 2015 configs'");
  return section[1]
    .split("\n")
    .map((line) => /^\| `([^`]+)` \|/.exec(line)?.[1])
    .filter((id): id is string => !!id)
    .map((row) => ({
      row,
      pattern: new RegExp(
        `^${row
          .split("*")
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      ),
    }));
}

test("every 2015 reference entry is produced by the embedded tree, or listed as a deliberate difference", () => {
  const groups = referenceGroups(compiledTree(REPO));
  const differences = listedDifferences();
  const used = new Set<string>();
  const unexplained: string[] = [];
  for (const [title, entries] of groups) {
    let listed = 0;
    for (const e of entries.filter((e) => !e.covered)) {
      const rows = differences.filter((d) => d.pattern.test(e.id));
      for (const d of rows) used.add(d.row);
      if (rows.length) listed++;
      else unexplained.push(e.id);
    }
    const covered = entries.filter((e) => e.covered).length;
    const pct = ((100 * covered) / entries.length).toFixed(1);
    console.log(`# ${title}: ${covered}/${entries.length} equal (${pct}%), ${listed} listed differences`);
  }
  assert.deepEqual(unexplained, [], "reference entries neither produced nor listed in configs/README.md's table");
  const stale = differences.filter((d) => !used.has(d.row)).map((d) => d.row);
  assert.deepEqual(stale, [], "configs/README.md's table lists differences that no longer exist");
});
