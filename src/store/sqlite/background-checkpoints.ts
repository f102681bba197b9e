import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type BetterSqlite3 from "better-sqlite3";

/**
 * In WAL mode SQLite copies the log back into the database file (a checkpoint) from inside the
 * commit that takes the log past `wal_autocheckpoint` pages, and that commit waits for two fsyncs.
 * On a server that is the one thread serving every request: under a steady stream of writes,
 * about half of a create's time went to waiting for those fsyncs. While writes come in, a worker
 * thread with its own connection checkpoints instead, and the server's connection only falls back
 * to doing it itself when the log grows far beyond the usual size (the worker stuck or gone).
 *
 * The worker costs a thread and ~15 MB, so it runs only while the database is being written: it is
 * started once the log file has changed in consecutive looks (a steady stream of writes, not the
 * one burst of a first start or a lone write) and ends itself after a quiet spell.
 */
export interface BackgroundCheckpointOptions {
  /** How often the idle server looks at the log file for new writes (ms). */
  watchEveryMs: number;
  /** Consecutive looks that must find new writes before the worker starts. */
  busyLooksToStart: number;
  /** How often the worker checkpoints while the log changes (ms). */
  checkpointEveryMs: number;
  /** The worker ends after this long without writes (ms). */
  idleExitMs: number;
  /** After a worker failed, how long the server's connection keeps checkpointing itself (ms). */
  retryAfterFailureMs: number;
  /** The server's own checkpoint threshold while the worker runs (pages; SQLite's default is 1,000). */
  fallbackPages: number;
}

export const DEFAULT_CHECKPOINT_OPTIONS: BackgroundCheckpointOptions = {
  watchEveryMs: 1000,
  busyLooksToStart: 2,
  checkpointEveryMs: 100,
  idleExitMs: 30_000,
  retryAfterFailureMs: 60_000,
  fallbackPages: 16_000,
};

const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

// The worker's code as a script (a separate file would need its own place in the bundle and in the
// TypeScript sources alike). It reaches the driver through the path the server resolved, and
// its \`stamp\` is \`walStamp\` below written again, since the script cannot import it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { statSync } = require("node:fs");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
const stamp = () => {
  try {
    const s = statSync(workerData.file + "-wal");
    return s.mtimeMs + ":" + s.size;
  } catch {
    return "";
  }
};
let seen = "";
let quietSince = Date.now();
const tick = () => {
  const now = stamp();
  if (now !== seen) {
    seen = now;
    quietSince = Date.now();
    db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage("checkpoint");
  } else if (Date.now() - quietSince >= workerData.idleExitMs) {
    db.close();
    return;
  }
  setTimeout(tick, workerData.checkpointEveryMs);
};
tick();
`;

export class BackgroundCheckpoints {
  private worker: Worker | undefined;
  private lastStamp: string;
  private failedAt = Number.NEGATIVE_INFINITY;
  private busyLooks = 0;
  private readonly timer: NodeJS.Timeout;
  /** Checkpoints the worker has run (for tests and diagnostics). */
  checkpoints = 0;
  /** Workers started so far. */
  starts = 0;

  constructor(
    private readonly file: string,
    private readonly raw: BetterSqlite3.Database,
    private readonly options: BackgroundCheckpointOptions = DEFAULT_CHECKPOINT_OPTIONS,
  ) {
    this.lastStamp = walStamp(file);
    this.timer = setInterval(() => this.watch(), options.watchEveryMs);
    this.timer.unref();
  }

  /** Whether a worker is checkpointing now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Stops watching and ends the worker (before the server's connection closes). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private watch(): void {
    if (this.worker || Date.now() - this.failedAt < this.options.retryAfterFailureMs) return;
    const stamp = walStamp(this.file);
    const changed = stamp !== this.lastStamp;
    this.lastStamp = stamp;
    this.busyLooks = changed ? this.busyLooks + 1 : 0;
    if (this.busyLooks < this.options.busyLooksToStart) return;
    this.busyLooks = 0;
    this.start();
  }

  private start(): void {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file: this.file,
        driver: createRequire(import.meta.url).resolve("better-sqlite3"),
        checkpointEveryMs: this.options.checkpointEveryMs,
        idleExitMs: this.options.idleExitMs,
      },
      // The worker only runs a pragma now and then: keep its heap small.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    worker.unref();
    this.worker = worker;
    this.starts++;
    const checkpointsBefore = this.checkpoints;
    worker.on("message", () => {
      if (this.worker !== worker) return;
      // The server's threshold goes up once the worker has shown it can checkpoint this file.
      if (this.checkpoints++ === checkpointsBefore) this.setAutocheckpoint(this.options.fallbackPages);
    });
    // A worker that fails (it cannot open the file, the driver throws) leaves checkpoints to the
    // server's connection, as without it, for a while; then writes start a new one.
    worker.on("error", () => {
      this.failedAt = Date.now();
    });
    worker.on("exit", () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.lastStamp = walStamp(this.file);
      this.setAutocheckpoint(DEFAULT_AUTOCHECKPOINT_PAGES);
    });
  }

  private setAutocheckpoint(pages: number): void {
    if (this.raw.open) this.raw.pragma(`wal_autocheckpoint = ${pages}`);
  }
}

/** Changes whenever a connection writes to the log. */
function walStamp(file: string): string {
  try {
    const s = statSync(`${file}-wal`);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return "";
  }
}
