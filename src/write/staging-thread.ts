/**
 * Staging on a second thread. Hashing, comparing, writing and flushing the output (~0.45 s for a 250 MB task graph)
 * then overlap with rendering it, which stays on the main thread. Pieces travel by transfer: the main thread copies
 * each into a 1 MiB buffer and posts it, and the staging thread posts the buffer back once it is done with it, so a
 * handful of buffers make the round trip. The main thread collects them without waiting (`receiveMessageOnPort`)
 * and never blocks while producing; it awaits the results at the end, and a thread that dies rejects them.
 * A worker that allocated as much as the main thread would slow it down (measured); this one allocates almost nothing.
 */
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
  type WorkerOptions,
} from "node:worker_threads";
import { type CopySource, type OutputFile, PIECE, type SplicedPiece } from "../emit/output-file.js";
import type { StagedOutput, StageRequest } from "./stage-output.js";

export type ToStagingThread =
  | { type: "file"; id: number; request: StageRequest }
  | {
      type: "piece";
      id: number;
      buffer: ArrayBuffer;
      length: number;
      /** Ranges of `source` spliced into the piece (see SplicedPiece). */
      ranges?: readonly number[];
      source?: CopySource;
    }
  | { type: "text"; id: number; text: string }
  | { type: "end" | "abort"; id: number };

export interface StagingReply {
  readonly id: number;
  readonly result?: StagedOutput;
  readonly error?: { message: string; code?: string; syscall?: string; path?: string };
}

/** Pieces below this are copied into a buffer of their own size instead of a pooled 1 MiB one. */
const SMALL_PIECE = 64 * 1024;

/**
 * The worker beside this module, the same code as the main thread's: compiled (dist/, what bin/jobdef runs), or the
 * TypeScript source when this module runs through tsx (the tests): a worker thread does not inherit tsx's loader, so
 * a small bootstrap registers it there first.
 */
export const STAGING_WORKER = new URL(
  `./staging-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

function startWorker(options: WorkerOptions): Worker {
  const worker = STAGING_WORKER;
  if (!worker.pathname.endsWith(".ts")) return new Worker(worker, options);
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

export class StagingThread {
  private readonly worker: Worker;
  /** Where the staging thread sends back the buffers it is done with. */
  private readonly returned: MessagePort;
  private readonly free: ArrayBuffer[] = [];
  private readonly waiting = new Map<number, { resolve: (r: StagedOutput) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private dead: Error | undefined;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.returned = port1;
    this.worker = startWorker({ workerData: { returns: port2 }, transferList: [port2] });
    this.worker.on("message", (reply: StagingReply) => this.settle(reply));
    this.worker.on("error", (e) => this.fail(e));
    this.worker.on("exit", (code) => this.fail(new Error(`the staging thread exited with code ${code}`)));
    this.worker.unref();
  }

  /**
   * Produces `file` here and stages it there. The promise settles once it is staged; when producing it throws, it
   * rejects with that error once the staging thread has let go of the file.
   */
  stage(request: StageRequest, file: OutputFile): Promise<StagedOutput> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const staged = new Promise<StagedOutput>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.worker.ref();
    this.post({ type: "file", id, request });
    try {
      // a string is copied as it is, and encoded there
      if (!file.streamed) this.post({ type: "text", id, text: file.content });
      else
        file.writeTo(
          (bytes) => this.send(id, bytes),
          (piece) => this.sendSpliced(id, piece),
        );
    } catch (e) {
      this.post({ type: "abort", id });
      return staged.then(
        () => Promise.reject(e),
        () => Promise.reject(e),
      );
    }
    this.post({ type: "end", id });
    return staged;
  }

  private send(id: number, bytes: Uint8Array): void {
    for (let off = 0; off < bytes.length; off += PIECE) {
      const length = Math.min(PIECE, bytes.length - off);
      const buffer = length < SMALL_PIECE ? new ArrayBuffer(length) : this.pooledBuffer();
      new Uint8Array(buffer, 0, length).set(bytes.subarray(off, off + length));
      this.post({ type: "piece", id, buffer, length }, [buffer]);
    }
  }

  /** A piece with ranges of an open file: its own bytes travel as any piece's, the ranges as numbers. */
  private sendSpliced(id: number, { bytes, ranges, source }: SplicedPiece): void {
    if (!ranges.length || bytes.length > PIECE) {
      this.send(id, bytes);
      return;
    }
    const length = bytes.length;
    const buffer = length < SMALL_PIECE ? new ArrayBuffer(length) : this.pooledBuffer();
    new Uint8Array(buffer, 0, length).set(bytes);
    this.post({ type: "piece", id, buffer, length, ranges, source }, [buffer]);
  }

  private pooledBuffer(): ArrayBuffer {
    for (let m = receiveMessageOnPort(this.returned); m; m = receiveMessageOnPort(this.returned))
      this.free.push(m.message as ArrayBuffer);
    return this.free.pop() ?? new ArrayBuffer(PIECE);
  }

  private post(message: ToStagingThread, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private settle(reply: StagingReply): void {
    const waiter = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (!this.waiting.size) this.worker.unref();
    if (reply.error) waiter?.reject(Object.assign(new Error(reply.error.message), reply.error));
    else waiter?.resolve(reply.result!);
  }

  private fail(e: Error): void {
    this.dead ??= e;
    if (shared === this) shared = undefined;
    for (const { reject } of this.waiting.values()) reject(this.dead);
    this.waiting.clear();
  }
}

let shared: StagingThread | undefined;

/** The process's staging thread, started on first use (`compile` starts it early, so it is up when output is). */
export function stagingThread(): StagingThread {
  shared ??= new StagingThread();
  return shared;
}
