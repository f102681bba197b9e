import { sql } from "kysely";
import { nowDate } from "../ids.js";
import type { Store } from "../store/store.js";
import { onOutboxCommitted } from "./commit-signal.js";
import { readDispatchedSeq, saveDispatchedSeq } from "./dispatch-cursor.js";
import { maxOutboxSeq, type OutboxEntry, pruneOutbox, readOutboxAfter, readOutboxSeqs } from "./outbox.js";
import { PgWakeups } from "./pg-wakeups.js";
import { type GapOptions, SeqGaps, type SnapshotBounds } from "./seq-gaps.js";

export type OutboxListener = (entry: OutboxEntry) => Promise<void> | void;

export interface DispatcherOptions extends GapOptions {
  /** Safety-net poll: how often the outbox is read without a wake-up. */
  pollMs: number;
  batchSize: number;
  /** Rows older than this are pruned (every node prunes; deletes are idempotent). */
  retentionMs: number;
  pruneEveryMs: number;
  /** How often the dispatched position is saved (what a restart resumes from). */
  saveCursorEveryMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  pollMs: 500,
  batchSize: 500,
  holdMs: 2000,
  lateWindowMs: 60_000,
  maxLate: 10_000,
  retentionMs: 60 * 60 * 1000,
  pruneEveryMs: 60_000,
  saveCursorEveryMs: 1_000,
};

/** Where PostgreSQL notifications come from; absent on SQLite (one process writes). */
export interface NotifySource {
  url: string;
  schema: string;
}

/**
 * Reads committed events from the outbox after this node's cursor and hands them, in sequence
 * order and one at a time, to its listeners (realtime, webhooks, file cleanup). The position
 * dispatched so far is saved in `_params` (the highest any node reached), and a booting node
 * resumes from it: events committed while no node ran still reach webhooks (whose job keys make a
 * second enqueue by another node harmless) and file cleanup; realtime has no subscribers yet.
 * Woken after local commits, by PostgreSQL NOTIFY for other nodes' commits, and by a poll as a
 * safety net. A listener that throws does not get the event again.
 */
export class OutboxDispatcher {
  private readonly listeners = new Set<OutboxListener>();
  private readonly options: DispatcherOptions;
  private gaps: SeqGaps | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private timers: NodeJS.Timeout[] = [];
  private stopSignal: (() => void) | undefined;
  private wakeups: PgWakeups | undefined;
  private lastPrune = 0;
  private savedCursor = 0;
  private lastCursorSave = 0;
  private lastReadAt = 0;

  constructor(
    private readonly store: Store,
    options: Partial<DispatcherOptions> = {},
    private readonly notify?: NotifySource,
  ) {
    this.options = { ...DEFAULT_DISPATCHER_OPTIONS, ...options };
  }

  private log: (message: string, err: unknown) => void = () => {};
  private retention: () => Promise<number> = async () => this.options.retentionMs;

  setLogger(log: (message: string, err: unknown) => void): void {
    this.log = log;
  }

  /** How long rows are kept, read at each prune (the sync feed keeps them for days: settings.sync). */
  setRetention(retention: () => Promise<number>): void {
    this.retention = retention;
  }

  /** The last sequence number handed out (or skipped for good). */
  get cursor(): number {
    return this.gaps?.cursor ?? 0;
  }

  subscribe(listener: OutboxListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.gaps) return;
    const newest = await maxOutboxSeq(this.store.db);
    const saved = await readDispatchedSeq(this.store.db);
    // Resume where dispatching stopped (never past the newest row: the outbox may have been reset).
    const start = saved !== undefined && saved <= newest ? saved : newest;
    this.savedCursor = start;
    this.gaps = new SeqGaps(start, this.options);
    this.lastPrune = Date.now();
    this.lastReadAt = Date.now();
    this.stopSignal = onOutboxCommitted(() => this.wake());
    const poll = setInterval(() => this.wake(), this.options.pollMs);
    poll.unref();
    this.timers.push(poll);
    if (this.notify && this.store.dialect === "postgres") {
      this.wakeups = new PgWakeups(
        this.notify.url,
        this.notify.schema,
        () => this.wake(),
        (err) => this.log("outbox LISTEN connection failed; retrying", err),
      );
      await this.wakeups.start();
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.stopSignal?.();
    this.stopSignal = undefined;
    await this.wakeups?.stop();
    this.wakeups = undefined;
    await this.running;
    await this.saveCursor(true).catch((err) => this.log("saving the outbox position failed", err));
    this.gaps = undefined;
  }

  /**
   * How long ago (ms) the dispatcher last finished reading the outbox, or undefined when it isn't
   * running. A poll reads every pollMs, so a figure much above it means the loop is stuck (a
   * listener that never returns) or the outbox can't be read.
   */
  sinceLastRead(now = Date.now()): number | undefined {
    return this.gaps ? now - this.lastReadAt : undefined;
  }

  /** Reads the outbox soon; calls during a read make it read again right after. */
  wake(): void {
    if (!this.gaps) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once everything committed before the call has been handed to the listeners. */
  async settle(): Promise<void> {
    this.wake();
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.readAll();
        this.lastReadAt = Date.now();
        await this.saveCursor(false);
        await this.pruneIfDue();
      } catch (err) {
        this.log("reading the outbox failed; retrying on the next poll", err);
        return;
      }
    } while (this.again && this.gaps);
  }

  private async readAll(): Promise<void> {
    for (;;) {
      const gaps = this.gaps;
      if (!gaps) return;
      const now = Date.now();
      const late = gaps.lateSeqs(now);
      if (late.length > 0) {
        for (const entry of await readOutboxSeqs(this.store.db, late)) {
          gaps.found(entry.seq);
          await this.deliver(entry);
        }
      }
      const pg = this.store.dialect === "postgres";
      const before = pg && gaps.waiting ? await this.snapshot() : undefined;
      const rows = await readOutboxAfter(this.store, gaps.cursor, this.options.batchSize);
      const holed = rows.some(
        (r, i) => r.seq !== (i === 0 ? gaps.cursor : (rows[i - 1] as OutboxEntry).seq) + 1,
      );
      let bounds: SnapshotBounds | undefined;
      if (pg && holed) {
        const after = await this.snapshot();
        bounds = { xminBefore: before?.xmin ?? 0n, xmaxAfter: after.xmax };
      }
      const ready = gaps.accept(rows, now, bounds);
      for (const entry of ready) await this.deliver(entry);
      // Stop when caught up, or when a hole holds the rest back (the next wake-up or poll retries).
      if (rows.length < this.options.batchSize || ready.length < rows.length) return;
    }
  }

  private async deliver(entry: OutboxEntry): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(entry);
      } catch (err) {
        this.log(`an outbox listener failed on event ${entry.seq}`, err);
      }
    }
  }

  private async snapshot(): Promise<{ xmin: bigint; xmax: bigint }> {
    const result = await sql<{ xmin: string; xmax: string }>`SELECT
      pg_snapshot_xmin(s)::text AS xmin, pg_snapshot_xmax(s)::text AS xmax FROM pg_current_snapshot() AS s`.execute(
      this.store.db,
    );
    const row = result.rows[0];
    return { xmin: BigInt(row?.xmin ?? 0), xmax: BigInt(row?.xmax ?? 0) };
  }

  /** Saves the dispatched position when it moved (at most every saveCursorEveryMs unless final). */
  private async saveCursor(final: boolean): Promise<void> {
    const cursor = this.gaps?.cursor;
    if (cursor === undefined || cursor <= this.savedCursor) return;
    const now = Date.now();
    if (!final && now - this.lastCursorSave < this.options.saveCursorEveryMs) return;
    this.lastCursorSave = now;
    await saveDispatchedSeq(this.store.db, cursor);
    this.savedCursor = cursor;
  }

  private async pruneIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < this.options.pruneEveryMs) return;
    this.lastPrune = now;
    await pruneOutbox(this.store.db, nowDate(new Date(now - (await this.retention()))));
  }
}
