/** Staging streams: the staged copy is the new content exactly, written only where the old file differs. */
import assert from "node:assert/strict";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { type FileEntry, fileEntry, statOf } from "../src/cache/file-stats.js";
import { type CopySource, type OutputFile, streamedFile, textFile } from "../src/emit/output-file.js";
import { sha256 } from "../src/manifest.js";
import { stagedPath } from "../src/write/journal.js";
import { SplicedPieces } from "../src/write/spliced-pieces.js";
import { OutputStager, type StageRequest } from "../src/write/stage-output.js";

/** Stages `file` with the stager the staging thread runs, here on this thread. */
function stageOutput(request: StageRequest, file: OutputFile) {
  const stager = new OutputStager(request);
  try {
    file.writeTo((bytes) => stager.push(bytes));
    return stager.end();
  } finally {
    stager.close();
  }
}

/** A file of `text`, produced in pieces of about `size` characters (the writer flushes every MiB on its own). */
function pieces(path: string, text: string, size: number): OutputFile {
  return streamedFile(path, (out) => {
    for (let i = 0; i < text.length; i += size) out.write(text.slice(i, i + size));
  });
}

const big = Array.from({ length: 60_000 }, (_, i) => `line ${i} ${"é".repeat(i % 7)}\n`).join(""); // > 1 MiB, not ASCII

test("OutputStager: staged bytes equal the new content whatever the old file holds", () => {
  const root = mkdtempSync(join(tmpdir(), "jobdef-stage-"));
  const olds: [string, string | undefined][] = [
    ["missing", undefined],
    ["same", big],
    ["differs at the start", `X${big.slice(1)}`],
    ["differs in the middle", `${big.slice(0, 700_000)}Y${big.slice(700_001)}`],
    ["differs at the end", `${big.slice(0, -1)}Z`],
    ["longer", `${big}more\n`],
    ["shorter", big.slice(0, 900_000)],
    ["empty", ""],
  ];
  for (const file of [
    pieces("a/graph.json", big, 4096),
    pieces("a/graph.json", big, 3_000_000),
    textFile("a/graph.json", big),
  ]) {
    for (const [name, old] of olds) {
      const stage = join(root, name.replaceAll(" ", "-"));
      rmSync(stage, { recursive: true, force: true });
      mkdirSync(stage);
      const current = join(root, "current");
      rmSync(current, { force: true });
      if (old !== undefined) writeFileSync(current, old);
      const r = stageOutput({ stage, path: file.path, current, known: undefined }, file);
      assert.equal(r.hash, sha256(big), name);
      assert.equal(r.staged, old !== big, name);
      if (r.staged) assert.equal(readFileSync(stagedPath(stage, "a/graph.json"), "utf8"), big, name);
      else assert.equal(existsSync(stagedPath(stage, "a/graph.json")), false, name);
    }
  }
  // the same bytes, but the old manifest names another hash (the disk was edited to match): the whole file is staged
  const stage = join(root, "kept");
  mkdirSync(stage);
  writeFileSync(join(root, "current"), big);
  const request = { stage, path: "g.json", current: join(root, "current"), known: sha256("other") };
  const r = stageOutput(request, pieces("g.json", big, 5000));
  assert.equal(r.staged, true);
  assert.equal(readFileSync(stagedPath(stage, "g.json"), "utf8"), big);
  rmSync(root, { recursive: true, force: true });
});

test("streamedFile: content, writeTo and a digest agree", () => {
  const f = pieces("x.json", big, 777);
  assert.equal(f.content, big);
  const parts: Buffer[] = [];
  f.writeTo((b) => parts.push(Buffer.from(b)));
  assert.ok(parts.length > 1, "more than one piece");
  assert.equal(Buffer.concat(parts).toString("utf8"), big);
});

test("ByteWriter: text, byte and ASCII pieces of any size, mixed, come out whole and in order", () => {
  type Piece = { text: string } | { bytes: number } | { ascii: string };
  const piece: fc.Arbitrary<Piece> = fc.oneof(
    fc.string({ maxLength: 40, unit: "grapheme" }).map((text): Piece => ({ text })),
    fc.nat({ max: 1 << 20 }).map((bytes): Piece => ({ bytes })),
    fc.constantFrom<Piece>({ bytes: (1 << 20) + 3 }, { text: "ü".repeat(400_000) }),
    fc.nat().map((n): Piece => ({ ascii: String(n) })),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (list) => {
      const expected: Buffer[] = [];
      const f = streamedFile("x", (out) => {
        list.forEach((p, i) => {
          if ("text" in p) {
            out.write(p.text);
            expected.push(Buffer.from(p.text, "utf8"));
          } else if ("ascii" in p) {
            out.writeAscii(p.ascii);
            expected.push(Buffer.from(p.ascii));
          } else {
            const bytes = Buffer.alloc(p.bytes, 97 + (i % 26));
            out.writeBytes(bytes);
            expected.push(bytes);
          }
        });
      });
      const got: Buffer[] = [];
      f.writeTo((b) => got.push(Buffer.from(b)));
      assert.ok(Buffer.concat(got).equals(Buffer.concat(expected)));
    }),
    { numRuns: 100 },
  );
});

/** The cache's entry of `path` as it is now: its stat and the hash `hash`. */
function entryOf(path: string, hash: string): FileEntry {
  return fileEntry(statSync(path, { bigint: true }), hash);
}

test("OutputStager with the replaced file's recorded hash: the same answer, an unchanged file hashed from the record", () => {
  const root = mkdtempSync(join(tmpdir(), "jobdef-stage-recorded-"));
  const current = join(root, "current");
  const olds = [
    big,
    `X${big.slice(1)}`,
    `${big.slice(0, 700_000)}Y${big.slice(700_001)}`,
    `${big}more`,
    big.slice(0, 9),
  ];
  for (const [i, old] of olds.entries()) {
    const stage = join(root, `stage-${i}`);
    mkdirSync(stage);
    writeFileSync(current, old);
    const recorded = entryOf(current, sha256(old));
    const r = stageOutput(
      { stage, path: "g.json", current, known: sha256(old), recorded },
      pieces("g.json", big, 5000),
    );
    assert.equal(r.hash, sha256(big), `old file ${i}`);
    assert.equal(r.staged, old !== big, `old file ${i}`);
    if (r.staged) assert.equal(readFileSync(stagedPath(stage, "g.json"), "utf8"), big, `old file ${i}`);
  }
  // an unchanged file's hash is the record's, not computed again (the record is trusted for the stat it names)
  writeFileSync(current, big);
  const forged = [...entryOf(current, sha256(big)).slice(0, 4), "f".repeat(64)] as unknown as FileEntry;
  const stage = join(root, "stage-forged");
  mkdirSync(stage);
  const request = { stage, path: "g.json", current, known: forged[4], recorded: forged };
  assert.equal(stageOutput(request, pieces("g.json", big, 5000)).hash, forged[4]);
  // a record of another stat is not used
  const stale = [0, "1", "1", 1, "f".repeat(64)] as const;
  const other = { stage, path: "h.json", current, known: stale[4], recorded: stale };
  assert.equal(stageOutput(other, pieces("h.json", big, 5000)).hash, sha256(big));
  rmSync(root, { recursive: true, force: true });
});

test("ranges of the replaced file at their own offsets are taken unread; any difference around them is staged whole", () => {
  const root = mkdtempSync(join(tmpdir(), "jobdef-stage-in-place-"));
  const current = join(root, "current");
  /** A segment of the new file: a range of the old file, or bytes (equal to the old ones there, or not). */
  const segment = fc.record({
    length: fc.integer({ min: 0, max: 300_000 }),
    kind: fc.constantFrom("range", "range elsewhere", "same bytes", "other bytes"),
  });
  let run = 0;
  fc.assert(
    fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), fc.boolean(), (segments, recordKnown) => {
      const old = Buffer.from(big.repeat(2));
      writeFileSync(current, old);
      const stat = statSync(current, { bigint: true });
      const fd = openSync(current, "r");
      const stage = join(root, `stage-${run++}`);
      mkdirSync(stage);
      try {
        const source: CopySource = { fd, stat: statOf(stat) };
        const recorded = recordKnown ? entryOf(current, sha256(old)) : undefined;
        const stager = new OutputStager({ stage, path: "g.json", current, known: sha256(old), recorded });
        const spliced = new SplicedPieces((bytes) => stager.push(bytes), stager);
        const expected: Buffer[] = [];
        let at = 0;
        for (const { length, kind } of segments) {
          const n = Math.min(length, old.length - at);
          if (kind === "range") spliced.add(new Uint8Array(0), [0, at, n], source);
          if (kind === "range elsewhere") spliced.add(new Uint8Array(0), [0, 17, n], source);
          if (kind === "same bytes") spliced.add(old.subarray(at, at + n));
          if (kind === "other bytes") spliced.add(Buffer.alloc(n, "#"));
          expected.push(
            kind === "range elsewhere"
              ? old.subarray(17, 17 + n)
              : kind === "other bytes"
                ? Buffer.alloc(n, "#")
                : old.subarray(at, at + n),
          );
          at += n;
        }
        spliced.end();
        const r = stager.end();
        const bytes = Buffer.concat(expected);
        assert.equal(r.hash, sha256(bytes));
        assert.equal(r.staged, !bytes.equals(old));
        if (r.staged) assert.ok(readFileSync(stagedPath(stage, "g.json")).equals(bytes));
      } finally {
        closeSync(fd);
        rmSync(stage, { recursive: true, force: true });
      }
    }),
    { numRuns: 60 },
  );
  rmSync(root, { recursive: true, force: true });
});

test("ByteWriter: neighbouring ranges are one, across a gap only when it is exactly that gap between neighbours", () => {
  const root = mkdtempSync(join(tmpdir(), "jobdef-gap-"));
  const path = join(root, "old");
  writeFileSync(path, "AAAA,\nBBBB,\nCCCC;\nDDDD");
  const stat = statSync(path, { bigint: true });
  const fd = openSync(path, "r");
  try {
    const source: CopySource = { fd, stat: statOf(stat) };
    const pieces: { ranges: readonly number[]; bytes: Buffer }[] = [];
    const out: Buffer[] = [];
    const file = streamedFile("x", (w) => {
      w.copyRange(source, 0, 2);
      w.copyRange(source, 2, 2); // contiguous: one range
      w.writeAscii(",\n");
      w.copyRange(source, 6, 4, ",\n"); // neighbours with the gap between them: still one
      w.writeAscii(",\n");
      w.copyRange(source, 18, 4, ",\n"); // not neighbours in the source
      w.copyRange(source, 12, 4); // nothing between, but not contiguous in the source
      w.writeAscii(";\n");
      w.copyRange(source, 18, 4, ",\n"); // neighbours, but another gap was written
      w.writeAscii("xx");
      assert.equal(w.position, 28);
    });
    file.writeTo(
      () => assert.fail("every piece goes to the spliced sink"),
      (piece) => {
        pieces.push({ ranges: [...piece.ranges], bytes: Buffer.from(piece.bytes) });
        const spliced = new SplicedPieces((b) => out.push(Buffer.from(b)));
        spliced.add(piece.bytes, piece.ranges, piece.source);
        spliced.end();
      },
    );
    assert.equal(Buffer.concat(out).toString(), "AAAA,\nBBBB,\nDDDDCCCC;\nDDDDxx");
    assert.deepEqual(pieces[0]?.ranges, [0, 0, 10, 2, 18, 4, 2, 12, 4, 4, 18, 4]);
  } finally {
    closeSync(fd);
    rmSync(root, { recursive: true, force: true });
  }
});
