import { CompiledQuery, sql } from "kysely";
import { nowDate, timeOrderedId } from "../ids.js";
import type { Settings } from "../settings/settings-model.js";
import type { Store } from "../store/store.js";
import { insertRows } from "../store/write-statements.js";
import type { LogEntry } from "./log-entry.js";

export interface RequestLogWriterOptions {
  /** Flush at least this often (ms). */
  flushEveryMs: number;
  /** Flush as soon as this many entries wait. */
  flushAt: number;
  /** Entries kept while the store is slow; beyond, the oldest are dropped (and counted). */
  maxBuffered: number;
  /** Rows per INSERT statement (bounds the statement's parameters). */
  rowsPerInsert: number;
  /** How often rows older than `logs.maxDays` are deleted (ms). */
  pruneEveryMs: number;
  /** Rows deleted per statement when pruning: each is a short write that log batches wait little for. */
  pruneBatch: number;
}

export const DEFAULT_WRITER_OPTIONS: RequestLogWriterOptions = {
  flushEveryMs: 1000,
  flushAt: 500,
  maxBuffered: 5000,
  rowsPerInsert: 500,
  pruneEveryMs: 60 * 60 * 1000,
  pruneBatch: 1000,
};

type LogSettings = Pick<Settings, "logs">;

const LOG_COLUMNS = ["id", "created", "updated", "level", "message", "data"] as const;

/**
 * Buffers request log entries in memory and writes them in batches: one multi-row INSERT per
 * second (or per `flushAt` entries), never one write per request, so logging adds next to nothing
 * to a request. Settings are applied when the batch is written (entries of a disabled log are
 * dropped, IPs blanked when `logIP` is off), so the request path never reads them.
 */
export class RequestLogWriter {
  private buffer: LogEntry[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  /**
   * Entries dropped: because the buffer was full (the store could not keep up), or not stored
   * because another node's row already had their id (rare: see timeOrderedId).
   */
  dropped = 0;
  private droppedReported = 0;

  constructor(
    private readonly store: Store,
    private readonly settings: () => Promise<LogSettings>,
    private readonly onError: (message: string, err?: unknown) => void,
    private readonly options: RequestLogWriterOptions = DEFAULT_WRITER_OPTIONS,
  ) {}

  start(): void {
    const flush = setInterval(() => void this.flush(), this.options.flushEveryMs);
    const prune = setInterval(() => void this.prune(), this.options.pruneEveryMs);
    flush.unref();
    prune.unref();
    this.timers.push(flush, prune);
    // A first prune soon after start, so a node that restarts often still prunes.
    const first = setTimeout(() => void this.prune(), 5000);
    first.unref();
    this.timers.push(first);
  }

  /** Queues an entry; never throws and never waits. */
  add(entry: LogEntry): void {
    if (this.closed) return;
    this.buffer.push(entry);
    const excess = this.buffer.length - this.options.maxBuffered;
    if (excess > 0) {
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
    if (this.buffer.length >= this.options.flushAt && !this.flushing) void this.flush();
  }

  /** Writes what is buffered (one flush at a time; a caller during a flush waits for it). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.buffer.length === 0) return Promise.resolve();
    this.flushing = this.writeBuffered()
      .catch((err) => this.onError("writing request logs failed", err))
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  /** Stops the timers and writes what remains (called when the server closes). */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.flushing;
    await this.flush();
  }

  /**
   * Deletes rows older than `logs.maxDays` days (all of them when logging is off), oldest first, in
   * batches of `pruneBatch` rows with a turn of the event loop between them: a backlog of days of
   * logs never becomes one long write that holds the log's inserts (and, on SQLite, every other
   * write) back. One prune at a time; resolves with the rows deleted.
   */
  prune(now = new Date()): Promise<number> {
    this.pruning ??= this.pruneBatches(now).finally(() => {
      this.pruning = undefined;
    });
    return this.pruning;
  }

  private pruning: Promise<number> | undefined;

  private async pruneBatches(now: Date): Promise<number> {
    let deleted = 0;
    try {
      const { logs } = await this.settings();
      const cutoff = nowDate(new Date(now.getTime() - Math.max(0, logs.maxDays) * 86_400_000));
      const batch = this.options.pruneBatch;
      for (;;) {
        const result = await sql`DELETE FROM _logs WHERE id IN (
          SELECT id FROM _logs WHERE created < ${cutoff} ORDER BY created LIMIT ${batch})`.execute(
          this.store.db,
        );
        const n = Number(result.numAffectedRows ?? 0);
        deleted += n;
        if (n < batch || this.closed) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      this.onError("pruning request logs failed", err);
    }
    return deleted;
  }

  private async writeBuffered(): Promise<void> {
    const { logs } = await this.settings();
    if (this.dropped > this.droppedReported) {
      this.onError(`request log buffer full: ${this.dropped - this.droppedReported} entries dropped`);
      this.droppedReported = this.dropped;
    }
    let clashes = 0;
    try {
      while (this.buffer.length > 0) {
        const batch = this.buffer.splice(0, this.options.rowsPerInsert);
        if (logs.maxDays <= 0) continue;
        const entries = batch.filter((e) => e.level >= logs.minLevel);
        if (entries.length === 0) continue;
        // Ids from another node could clash (very unlikely): such a row is skipped, not the batch,
        // and counted.
        clashes += entries.length - (await this.insert(entries, logs));
      }
    } finally {
      if (clashes > 0) {
        this.dropped += clashes;
        this.droppedReported = this.dropped;
        this.onError(`request log: ${clashes} entries dropped, their ids taken by another node's rows`);
      }
    }
  }

  /** Inserts one batch; resolves with the number of rows stored. */
  private async insert(entries: LogEntry[], logs: LogSettings["logs"]): Promise<number> {
    if (this.store.dialect === "postgres") {
      // One JSON parameter that PostgreSQL unpacks itself: binding six values per row cost the
      // driver more than the insert, and the server parses one document instead of one per row.
      const rows = entries.map((e) => ({
        id: timeOrderedId(),
        created: e.created,
        level: e.level,
        message: e.message,
        data: redactData(e.data, logs),
      }));
      const result = await this.store.db.executeQuery(
        CompiledQuery.raw(PG_INSERT_FROM_JSON, [JSON.stringify(rows)]),
      );
      return Number(result.numAffectedRows ?? rows.length);
    }
    // SQLite: plain multi-row INSERTs (its JSON functions would re-read the document per value).
    const rows = entries.map((e) => [
      timeOrderedId(),
      e.created,
      e.created,
      e.level,
      e.message,
      JSON.stringify(redactData(e.data, logs)),
    ]);
    return insertRows(this.store.db, this.store.dialect, "_logs", LOG_COLUMNS, rows, {
      skipDuplicates: true,
    });
  }
}

const PG_INSERT_FROM_JSON = `INSERT INTO _logs (id, created, updated, level, message, data)
  SELECT id, created, created, level, message, data
  FROM jsonb_to_recordset($1::jsonb) AS r(id text, created text, level double precision, message text, data jsonb)
  ON CONFLICT DO NOTHING`;

/** The entry's data as the settings allow it to be stored (IPs and the auth id may be withheld). */
function redactData(data: LogEntry["data"], logs: LogSettings["logs"]): LogEntry["data"] {
  // The entry was made for the log alone, so it is blanked in place (no copy per row).
  if (!logs.logIP) {
    data.remoteIP = "";
    data.userIP = "";
  }
  if (!logs.logAuthId) data.authId = "";
  return data;
}
