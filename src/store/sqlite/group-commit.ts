import { CompiledQuery, type ControlledTransaction } from "kysely";
import type { AnyDatabase, Db } from "../store.js";

/** The most transactions one commit takes, so a steady stream still commits (and answers) often. */
export const MAX_GROUP = 64;

interface Member {
  fn: (tx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Trx = ControlledTransaction<AnyDatabase>;

// A member's savepoint as plain statements, compiled once: Kysely's savepoint() builds and compiles
// a query and a transaction object per call, a few percent of a create's CPU.
const SAVEPOINT = CompiledQuery.raw(`SAVEPOINT "request"`);
const RELEASE = CompiledQuery.raw(`RELEASE SAVEPOINT "request"`);
const ROLLBACK_TO = CompiledQuery.raw(`ROLLBACK TO SAVEPOINT "request"`);

/**
 * Group commit for SQLite's one connection: transactions asked for while another group runs, or in
 * the same event-loop turn, share one BEGIN … COMMIT. Each runs in a SAVEPOINT of its own, one after
 * another (savepoints nest, so two can't be open side by side), and a failing one is rolled back to
 * its savepoint alone. Every member is answered only after the shared COMMIT: its writes are then in
 * the log like those of a transaction of its own. A commit writes each page it changed once, so
 * creates that touch the same table, audit and outbox pages share that work instead of repeating
 * it per request.
 *
 * When SQLite has rolled the whole transaction back by itself (SQLITE_FULL, SQLITE_IOERR), the
 * members done so far lost their writes too: they get that error, and the rest start a new group.
 */
export class GroupCommit {
  private waiting: Member[] = [];
  private running = false;
  /** Commits made (tests and diagnostics). */
  commits = 0;

  constructor(
    private readonly db: Db,
    /** Whether the connection has a transaction open (SQLite may end one on its own). */
    private readonly inTransaction: () => boolean,
    /** Told after each commit that succeeded. */
    private readonly committed: () => void,
    private readonly maxGroup = MAX_GROUP,
  ) {}

  run<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (this.running) return;
      this.running = true;
      // The bounded wait: whatever else asks for a transaction in this turn of the event loop joins.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.runGroup(this.waiting.splice(0, this.maxGroup));
    } finally {
      this.running = false;
    }
  }

  private async runGroup(group: Member[]): Promise<void> {
    let trx: Trx;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (err) {
      for (const member of group) member.reject(err);
      return;
    }
    const done: { member: Member; value: unknown }[] = [];
    for (let i = 0; i < group.length; i++) {
      const member = group[i] as Member;
      const lost = await this.runMember(trx, member, done);
      if (lost !== undefined) {
        // The transaction is gone: what ran in it is lost, the rest try again in a group of their own.
        await this.release(trx);
        for (const d of done) d.member.reject(lost);
        this.waiting.unshift(...group.slice(i + 1));
        return;
      }
    }
    try {
      await trx.commit().execute();
    } catch (err) {
      await this.release(trx);
      for (const d of done) d.member.reject(err);
      return;
    }
    this.commits++;
    this.committed();
    for (const d of done) d.member.resolve(d.value);
  }

  /**
   * Runs one member in its savepoint. Its own failure rejects it alone; returns an error only when
   * the whole transaction was lost with it.
   */
  private async runMember(
    trx: Trx,
    member: Member,
    done: { member: Member; value: unknown }[],
  ): Promise<unknown> {
    try {
      await trx.executeQuery(SAVEPOINT);
    } catch (err) {
      member.reject(err);
      return err;
    }
    try {
      const value = await member.fn(trx);
      await trx.executeQuery(RELEASE);
      done.push({ member, value });
      return undefined;
    } catch (err) {
      member.reject(err);
      if (!this.inTransaction()) return err;
      try {
        await trx.executeQuery(ROLLBACK_TO);
        await trx.executeQuery(RELEASE);
        return undefined;
      } catch (rollbackError) {
        return rollbackError;
      }
    }
  }

  /** Ends a failed transaction (ROLLBACK only when one is still open) and frees the connection. */
  private async release(trx: Trx): Promise<void> {
    await trx
      .rollback()
      .execute()
      .catch(() => {});
  }
}
