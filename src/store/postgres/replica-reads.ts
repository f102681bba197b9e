import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { classifyDependencyError } from "../../errors/dependency-errors.js";
import type { Db, ReadRouter, ReadStats } from "../store.js";
import { StoreHealth } from "../store-health.js";
import { FreshValue } from "./fresh-value.js";
import { redact } from "./redact.js";
import { watchPool } from "./watch-pool.js";

export interface ReplicaOptions {
  /** Connection URLs of streaming replicas of the primary. */
  urls: string[];
  /** The primary's schema (the replicas hold the same). */
  schema?: string;
  poolSize?: number;
  /** Longest wait for a replica to replay the primary's position before reading the primary. */
  maxWaitMs?: number;
  /** How long a replica that failed is left out before it is tried again. */
  downForMs?: number;
}

/** A WAL position (`16/B374D848`) as a number that compares. */
export function parseLsn(text: string): bigint {
  const [high = "0", low = "0"] = text.split("/");
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** SQLSTATE 40001 on a standby: a statement cancelled because replay needed what it held. */
const RECOVERY_CONFLICT = "40001";

interface Replica {
  url: string;
  db: Db;
  /** The highest replay position seen: a lower bound of the replica's position from then on. */
  replayed: bigint;
  /** Reads of its replay position, one at a time. */
  refresh: Promise<void> | undefined;
  downUntil: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads (record lists and views, realtime authorization) on PostgreSQL streaming replicas, with
 * the guarantee a single database gives: **a read sees every write committed, on any node, before
 * the read began.** Before each read the primary's WAL position is read (`pg_current_wal_lsn()`, one
 * tiny query shared by the reads that arrive while it runs, see FreshValue); a replica (round robin)
 * is used once its replay position (`pg_last_wal_replay_lsn()`) has reached it — at once when
 * the position it last reported already has — else, after `maxWaitMs` (200 ms), the primary is
 * read instead. So a client's next request sees its own write whatever node it lands on, and so does
 * everyone else's; a lagging replica costs at most the wait, never a stale answer.
 *
 * A replica that fails (unreachable, not a standby, a statement cancelled by replay) is left out
 * for `downForMs` and the read runs on the primary: replicas never turn a read into an error.
 * The primary's position is the WAL *written*; with `synchronous_commit = off` a commit can return
 * before its WAL is written, and such a write may be missed by a read right after it.
 */
export class ReplicaReads implements ReadRouter {
  readonly stats: ReadStats = { replica: 0, primary: 0, waitedOut: 0, failedOver: 0 };
  private readonly replicas: Replica[];
  private readonly primaryPosition: FreshValue<bigint>;
  private next = 0;
  private readonly maxWaitMs: number;
  private readonly downForMs: number;
  private log: (message: string, err?: unknown) => void = () => {};

  constructor(
    private readonly primary: Db,
    options: ReplicaOptions,
  ) {
    this.maxWaitMs = options.maxWaitMs ?? 200;
    this.downForMs = options.downForMs ?? 5000;
    this.replicas = options.urls.map((url) => ({
      url,
      db: openReplicaPool(url, options),
      replayed: -1n,
      refresh: undefined,
      downUntil: 0,
    }));
    this.primaryPosition = new FreshValue(async () => {
      const { rows } = await sql<{ lsn: string }>`SELECT pg_current_wal_lsn()::text AS lsn`.execute(primary);
      return parseLsn(rows[0]?.lsn ?? "0/0");
    });
  }

  setLogger(log: (message: string, err?: unknown) => void): void {
    this.log = log;
  }

  async run<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const replica = await this.pick();
    if (!replica) {
      this.stats.primary++;
      return fn(this.primary);
    }
    try {
      const result = await fn(replica.db);
      this.stats.replica++;
      return result;
    } catch (err) {
      if (!replicaTrouble(err)) throw err;
      this.markDown(replica, "a read failed on a replica; reading the primary", err);
      this.stats.failedOver++;
      this.stats.primary++;
      return fn(this.primary);
    }
  }

  /** A replica that has replayed the primary's position as of now, or undefined (read the primary). */
  private async pick(): Promise<Replica | undefined> {
    const now = Date.now();
    const candidates = this.replicas.filter((r) => r.downUntil <= now);
    if (candidates.length === 0) return undefined;
    const replica = candidates[this.next++ % candidates.length] as Replica;
    let target: bigint;
    try {
      target = await this.primaryPosition.get();
    } catch {
      return undefined; // the primary itself is away: the read will say so
    }
    const deadline = now + this.maxWaitMs;
    for (;;) {
      if (replica.replayed >= target) return replica;
      if (Date.now() >= deadline) {
        this.stats.waitedOut++;
        return undefined;
      }
      const before = replica.replayed;
      await this.refresh(replica);
      if (replica.downUntil > Date.now()) return undefined;
      if (replica.replayed === before) await sleep(2);
    }
  }

  /** Reads a replica's replay position (one read in flight per replica, shared). */
  private refresh(replica: Replica): Promise<void> {
    replica.refresh ??= (async () => {
      try {
        const { rows } = await sql<{
          lsn: string | null;
        }>`SELECT pg_last_wal_replay_lsn()::text AS lsn`.execute(replica.db);
        const lsn = rows[0]?.lsn;
        if (!lsn) {
          this.markDown(replica, "a configured replica is not a standby (promoted?); reading the primary");
          return;
        }
        const position = parseLsn(lsn);
        if (position > replica.replayed) replica.replayed = position;
      } catch (err) {
        this.markDown(replica, "a replica can't be reached; reading the primary", err);
      } finally {
        replica.refresh = undefined;
      }
    })();
    return replica.refresh;
  }

  private markDown(replica: Replica, message: string, err?: unknown): void {
    if (replica.downUntil <= Date.now()) this.log(`${message} (${redact(replica.url)})`, err);
    replica.downUntil = Date.now() + this.downForMs;
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.db.destroy()));
  }
}

/** A replica that can't serve: its connection failed, or replay cancelled the statement. */
function replicaTrouble(err: unknown): boolean {
  if (classifyDependencyError(err) !== undefined) return true;
  return (err as { code?: unknown }).code === RECOVERY_CONFLICT;
}

function openReplicaPool(url: string, options: ReplicaOptions): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // A replica that doesn't answer is left out quickly: the primary is there to read instead.
    connectionTimeoutMillis: 1000,
    application_name: "backroom replica reads",
    options: `-c jit=off${options.schema ? ` -c search_path=${options.schema}` : ""}`,
  });
  // Its own health: a replica's trouble is not the database's (`/api/health` speaks of the primary).
  return new Kysely({ dialect: new PostgresDialect({ pool: watchPool(pool, new StoreHealth()) }) });
}
