/**
 * The staging thread's side (see staging-thread.ts): stages each file from the pieces the main thread sends, returns
 * every piece's buffer for reuse, and answers each file with its result or its error.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { PIECE } from "../emit/output-file.js";
import { SplicedPieces } from "./spliced-pieces.js";
import { OutputStager, type StageRequest } from "./stage-output.js";
import type { StagingReply, ToStagingThread } from "./staging-thread.js";

const returns = (workerData as { returns: MessagePort }).returns;
/** Each open file's stager, or the error that stopped it (its later pieces are then only returned). */
const files = new Map<number, OutputStager | Error>();
/** Each open file's pieces, ranges of the last output read into them. */
const assembled = new Map<number, SplicedPieces>();

parentPort!.on("message", (m: ToStagingThread) => {
  switch (m.type) {
    case "file":
      files.set(
        m.id,
        attempt(() => new OutputStager(m.request as StageRequest)),
      );
      break;
    case "piece":
      push(m.id, (pieces) => pieces.add(new Uint8Array(m.buffer, 0, m.length), m.ranges, m.source));
      if (m.buffer.byteLength === PIECE) returns.postMessage(m.buffer, [m.buffer]);
      break;
    case "text":
      push(m.id, (pieces) => pieces.add(Buffer.from(m.text, "utf8")));
      break;
    case "end":
    case "abort": {
      if (m.type === "end") push(m.id, (pieces) => pieces.end());
      const stager = files.get(m.id);
      files.delete(m.id);
      assembled.delete(m.id);
      let reply: StagingReply = { id: m.id };
      if (stager instanceof Error) reply = { id: m.id, error: errorData(stager) };
      else if (m.type === "abort") stager?.close();
      else {
        const result = attempt(() => stager!.end());
        reply = result instanceof Error ? { id: m.id, error: errorData(result) } : { id: m.id, result };
      }
      parentPort!.postMessage(reply);
      break;
    }
  }
});

/** Feeds bytes to a file's stager through its spliced pieces; its first error stops it. */
function push(id: number, feed: (pieces: SplicedPieces) => void): void {
  const stager = files.get(id);
  if (!(stager instanceof OutputStager)) return;
  let pieces = assembled.get(id);
  if (!pieces) {
    pieces = new SplicedPieces((bytes) => stager.push(bytes), stager);
    assembled.set(id, pieces);
  }
  const error = attempt(() => feed(pieces));
  if (error instanceof Error) {
    stager.close();
    files.set(id, error);
  }
}

function attempt<T>(run: () => T): T | Error {
  try {
    return run();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** An error as plain data: its message and, for a file-system error, its code, syscall and path. */
function errorData(e: Error): StagingReply["error"] {
  const { code, syscall, path } = e as NodeJS.ErrnoException;
  return { message: e.message, code, syscall, path };
}
