import { pendingSystemMigrations, pingStore } from "../store/readiness-queries.js";
import type { Db } from "../store/store.js";

/** A check that failed, by name (`database`, `migrations`, `outbox`, `draining`). */
export type FailedChecks = Record<string, { code: string; message: string }>;

export interface ReadinessDeps {
  db: Db;
  /** ms since the outbox dispatcher last finished a read; undefined when it isn't running. */
  sinceOutboxRead(): number | undefined;
}

/** A store that takes longer than this to answer `SELECT 1` counts as unreachable. */
const STORE_TIMEOUT_MS = 2000;
/** The dispatcher polls every 500 ms: this much silence means it is stuck or can't read. */
const OUTBOX_STALE_MS = 10_000;

/**
 * Whether this node should get traffic: what a balancer or an orchestrator asks before sending
 * requests (`GET /api/health?ready=1`), unlike `/api/health`, which only says the process answers.
 * Not ready while draining (after SIGTERM), when the store doesn't answer, when the database
 * lacks a system migration this build needs, or when the outbox dispatcher (realtime, webhooks,
 * file cleanup) has stopped reading.
 */
export class Readiness {
  private drainingSince: number | undefined;

  constructor(private readonly deps: ReadinessDeps) {}

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** From now on the node answers "not ready" (it keeps serving what it gets). */
  startDrain(): void {
    this.drainingSince ??= Date.now();
  }

  /** The failed checks; empty when ready. Runs the checks side by side, bounded in time. */
  async check(): Promise<FailedChecks> {
    const failed: FailedChecks = {};
    if (this.draining)
      failed.draining = { code: "draining", message: "The node is shutting down; send requests elsewhere." };
    const [store, migrations] = await Promise.all([
      withTimeout(pingStore(this.deps.db), STORE_TIMEOUT_MS).then(
        () => true,
        () => false,
      ),
      withTimeout(pendingSystemMigrations(this.deps.db), STORE_TIMEOUT_MS).catch(() => undefined),
    ]);
    if (!store)
      failed.database = {
        code: "unavailable",
        message: `The database didn't answer within ${STORE_TIMEOUT_MS / 1000} s.`,
      };
    else if (migrations === undefined || migrations.length > 0)
      failed.migrations = {
        code: "pending",
        message: migrations
          ? `System migrations not applied: ${migrations.join(", ")}.`
          : "The applied migrations can't be read.",
      };
    const since = this.deps.sinceOutboxRead();
    if (since === undefined || since > OUTBOX_STALE_MS)
      failed.outbox = {
        code: "stalled",
        message:
          since === undefined
            ? "The outbox dispatcher isn't running."
            : `The outbox dispatcher hasn't read for ${Math.round(since / 1000)} s.`,
      };
    return failed;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
