import type { PreparedPool, PreparedStatement } from "../../store/postgres/prepared-pool.js";
import type { CounterStore, HitOptions, HitResult } from "./counter-store.js";

/** The database's clock in ms: one clock for every node, whatever theirs say. */
const NOW_MS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";
const FRESH = "c.reset_at <= excluded.seen_at";
const FITS = "c.count + excluded.attempt <= excluded.max_count";

/** One row per hit ($1…$5: keys, costs, maxima, sliding flags, windows), keys sorted. */
const HIT: PreparedStatement = {
  name: "backroom_rate_hit",
  text: `INSERT INTO _rate_counters AS c (key, count, attempt, max_count, sliding, seen_at, reset_at)
    SELECT h.key, CASE WHEN h.cost <= h.max THEN h.cost ELSE 0 END, h.cost, h.max, h.sliding, t.now, t.now + h.win
      FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::boolean[], $5::bigint[]) AS h(key, cost, max, sliding, win),
           (SELECT ${NOW_MS} AS now) t
     ORDER BY h.key
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN ${FRESH} THEN excluded.count WHEN ${FITS} THEN c.count + excluded.attempt ELSE c.count END,
      attempt = CASE WHEN ${FRESH} THEN excluded.attempt ELSE c.count + excluded.attempt END,
      reset_at = CASE WHEN ${FRESH} THEN excluded.reset_at
                      WHEN excluded.sliding AND ${FITS} THEN excluded.reset_at
                      ELSE c.reset_at END,
      max_count = excluded.max_count,
      sliding = excluded.sliding,
      seen_at = excluded.seen_at
    RETURNING key, attempt, max_count, reset_at - seen_at AS reset_in`,
};
const PEEK: PreparedStatement = {
  name: "backroom_rate_peek",
  text: `SELECT c.count, c.reset_at - t.now AS reset_in FROM _rate_counters c, (SELECT ${NOW_MS} AS now) t
          WHERE c.key = $1 AND c.reset_at > t.now`,
};
const REFUND: PreparedStatement = {
  name: "backroom_rate_refund",
  text: `UPDATE _rate_counters SET count = GREATEST(0, count - $2) WHERE key = $1 AND reset_at > ${NOW_MS}`,
};
const SWEEP: PreparedStatement = {
  name: "backroom_rate_sweep",
  text: `WITH gone AS (DELETE FROM _rate_counters WHERE reset_at <= ${NOW_MS} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
};

/** How often expired counters are deleted (each node does it; a delete of nothing is cheap). */
export const COUNTER_SWEEP_MS = 60_000;
/** Statements of hits in flight at once per node (and its pool's size); hits arriving meanwhile wait and go together. */
export const MAX_IN_FLIGHT = 2;
/** Hits per statement, at most. */
const MAX_BATCH = 500;

interface PendingHit {
  key: string;
  windowMs: number;
  cost: number;
  max: number;
  sliding: boolean;
  resolve: (result: HitResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Counters in PostgreSQL (`_rate_counters`, UNLOGGED), shared by every node of the database, for
 * clusters without Redis. The same semantics as the memory and Redis stores (a window opens with
 * its first hit; refused hits are not counted; sliding hits restart the window), atomic per key
 * through the row lock an upsert takes, timed by the database's clock.
 *
 * A hit is a row of `INSERT … ON CONFLICT DO UPDATE … RETURNING`: the proposed row (`excluded`)
 * carries the hit's cost (`attempt`), maximum, sliding flag and the statement's "now" (`seen_at`)
 * into the update, and `attempt` comes back as the count the hit asked for, so no second read is
 * needed. Hits that arrive while statements are in flight are sent together as one statement (one
 * row per key, keys in sorted order so two nodes' statements lock rows in the same order and never
 * deadlock; a key's second hit waits for the next statement): at load, a round trip serves many
 * requests. The statements run on a pool of their own as named prepared statements (planned once
 * per connection: 2–3× cheaper than parsing and planning the upsert each time). Expired rows count
 * as absent and are deleted in the background.
 */
export class PgCounterStore implements CounterStore {
  private sweeper: NodeJS.Timeout | undefined;
  private queue: PendingHit[] = [];
  private inFlight = 0;

  constructor(private readonly pool: PreparedPool) {}

  hit(key: string, windowMs: number, cost: number, max: number, opts: HitOptions = {}): Promise<HitResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key, windowMs, cost, max, sliding: opts.sliding === true, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The queue's first hits of distinct keys (up to MAX_BATCH); the rest stay queued in order. */
  private takeBatch(): PendingHit[] {
    const batch = new Map<string, PendingHit>();
    const rest: PendingHit[] = [];
    for (const hit of this.queue) {
      if (batch.size < MAX_BATCH && !batch.has(hit.key)) batch.set(hit.key, hit);
      else rest.push(hit);
    }
    this.queue = rest;
    return [...batch.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async send(batch: PendingHit[]): Promise<void> {
    try {
      const results = await this.upsert(batch);
      for (const hit of batch) {
        const row = results.get(hit.key);
        if (row) hit.resolve(row);
        else hit.reject(new Error("rate counter upsert returned no row"));
      }
    } catch (err) {
      for (const hit of batch) hit.reject(err);
    }
  }

  private async upsert(batch: PendingHit[]): Promise<Map<string, HitResult>> {
    const rows = await this.pool.query<{ key: string; attempt: string; max_count: string; reset_in: string }>(
      HIT,
      [
        batch.map((h) => h.key),
        batch.map((h) => h.cost),
        batch.map((h) => h.max),
        batch.map((h) => h.sliding),
        batch.map((h) => h.windowMs),
      ],
    );
    const results = new Map<string, HitResult>();
    for (const row of rows) {
      const count = Number(row.attempt);
      results.set(row.key, {
        allowed: count <= Number(row.max_count),
        count,
        resetInMs: Number(row.reset_in),
      });
    }
    return results;
  }

  async peek(key: string): Promise<{ count: number; resetInMs: number }> {
    const [row] = await this.pool.query<{ count: string; reset_in: string }>(PEEK, [key]);
    return row ? { count: Number(row.count), resetInMs: Number(row.reset_in) } : { count: 0, resetInMs: 0 };
  }

  async refund(key: string, cost: number): Promise<void> {
    await this.pool.query(REFUND, [key, cost]);
  }

  /** Deletes counters whose window has ended; returns how many. */
  async sweep(): Promise<number> {
    const [row] = await this.pool.query<{ n: number }>(SWEEP, []);
    return Number(row?.n ?? 0);
  }

  /** Starts the background sweep (the pool connects on demand, so there is nothing to warm up). */
  async warmUp(): Promise<void> {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      // A failed sweep (the database away) is retried next round; hits don't depend on it.
      this.sweep().catch(() => {});
    }, COUNTER_SWEEP_MS);
    this.sweeper.unref();
  }

  /** Stops the sweep and closes the pool. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.pool.end();
  }
}
