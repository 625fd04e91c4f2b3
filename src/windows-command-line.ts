/** Reading the Windows command lines generic-worker runs (what `taskcluster-payload.ts` writes), for `jobdef parity`. */

/** Undoes a batch-file line the way cmd.exe and the C runtime do (all quotes are `^"`, so cmd never quotes). */
export function decodeWindowsLine(line: string): string[] {
  const afterBatch = line.replaceAll("%%", "\u0000").replace(/\^(.)/gs, "$1").replaceAll("\u0000", "%");
  const args: string[] = [];
  let cur = "";
  let inQuotes = false;
  let started = false;
  for (let i = 0; i < afterBatch.length; i++) {
    const c = afterBatch[i]!;
    if (c === "\\") {
      let n = 0;
      while (afterBatch[i] === "\\") {
        n++;
        i++;
      }
      if (afterBatch[i] === '"') {
        cur += "\\".repeat(Math.floor(n / 2));
        if (n % 2) cur += '"';
        else {
          inQuotes = !inQuotes;
        }
      } else {
        cur += "\\".repeat(n);
        i--;
      }
      started = true;
    } else if (c === '"') {
      inQuotes = !inQuotes;
      started = true;
    } else if ((c === " " || c === "\t") && !inQuotes) {
      if (started) args.push(cur);
      cur = "";
      started = false;
    } else {
      cur += c;
      started = true;
    }
  }
  if (started) args.push(cur);
  return args;
}
