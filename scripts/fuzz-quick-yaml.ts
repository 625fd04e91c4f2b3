/**
 * A long run of test/quick-yaml.test.ts's generated documents: `node --import tsx scripts/fuzz-quick-yaml.ts [N]`
 * checks N of them (default 1,000,000) and prints each one on which load.ts's quick path and `yaml` disagree.
 */
import fc from "fast-check";
import { CONFIG_SHAPED_OR_BROKEN, disagreement, TOKEN_SOUP } from "../test/helpers/yaml-documents.js";

const total = Number(process.argv[2] ?? 1_000_000);
const documents = fc.oneof(TOKEN_SOUP, CONFIG_SHAPED_OR_BROKEN);
let found = 0;
for (let done = 0; done < total; done += 10_000) {
  for (const text of fc.sample(documents, Math.min(10_000, total - done))) {
    const problem = disagreement(text);
    if (problem) {
      found++;
      console.log(problem);
    }
  }
}
console.log(`${total} documents, ${found} disagreements`);
process.exitCode = found ? 1 : 0;
