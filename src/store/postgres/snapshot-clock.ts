import { type CompiledQuery, sql } from "kysely";
import type { ChangeClock, Db } from "../store.js";

/** The row id the snapshot comes back under, beside the stamps. */
export const SNAPSHOT_ROW = "~snapshot";

/**
 * The version stamps and, in the same round trip, the server's transaction snapshot
 * (`txid_current_snapshot()`: the oldest transaction still running, the next id to hand out, the
 * ones in progress). Two looks with the same snapshot text had no transaction begin or end between
 * them: nothing was committed.
 */
export function stampsWithSnapshotQuery(
  db: Db,
  ids: readonly string[],
): CompiledQuery<{ id: string; value: string }> {
  return sql<{ id: string; value: string }>`SELECT id, value FROM _params WHERE id IN (${sql.join(
    ids,
  )}) UNION ALL SELECT ${SNAPSHOT_ROW} AS id, txid_current_snapshot()::text AS value`.compile(db);
}

/** The snapshot text among the rows of stampsWithSnapshotQuery. */
export function snapshotOf(rows: readonly Record<string, unknown>[]): string | undefined {
  for (const row of rows) if (row.id === SNAPSHOT_ROW) return String(row.value);
  return undefined;
}

/**
 * PostgreSQL's change clock, moved by the looks that read the stamps (see ChangeClock): its epoch
 * moves when a look's snapshot differs from the previous look's. A look that finishes after a
 * later one has tells nothing newer and is ignored.
 */
export class SnapshotClock implements ChangeClock {
  epoch = 0;
  looks = 0;
  started = 0;
  private lastSnapshot: string | undefined;

  /** A look begins; its number. */
  begin(): number {
    this.started++;
    return this.started;
  }

  /** Look `look` read `snapshot` (undefined: the look failed, nothing learnt). */
  finish(look: number, snapshot: string | undefined): void {
    if (snapshot === undefined || look <= this.looks) return;
    if (snapshot !== this.lastSnapshot) {
      this.lastSnapshot = snapshot;
      this.epoch++;
    }
    this.looks = look;
  }
}
