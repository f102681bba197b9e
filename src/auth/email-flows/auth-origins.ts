import { sql } from "kysely";
import { nowDate, randomId } from "../../ids.js";
import type { Store } from "../../store/store.js";

/** How a sign-in's origin relates to the record's earlier ones. */
export type OriginStatus = "known" | "first" | "new";

/**
 * Records the origin of a sign-in in `_auth_origins` and says whether it was already known, the
 * record's first origin ever, or new beside others (the case that deserves an alert).
 */
export async function rememberOrigin(
  store: Store,
  collectionId: string,
  recordId: string,
  fingerprint: string,
): Promise<OriginStatus> {
  return store.transaction(async (tx) => {
    const now = nowDate();
    const touched = await sql`UPDATE _auth_origins SET updated = ${now}
      WHERE collection_id = ${collectionId} AND record_id = ${recordId} AND fingerprint = ${fingerprint}`.execute(
      tx,
    );
    if (Number(touched.numAffectedRows ?? 0) > 0) return "known";
    const others = await sql<{ id: string }>`SELECT id FROM _auth_origins
      WHERE collection_id = ${collectionId} AND record_id = ${recordId} LIMIT 1`.execute(tx);
    // Two sign-ins from one new device at once: only one inserts, the other counts as known.
    const inserted =
      await sql`INSERT INTO _auth_origins (id, collection_id, record_id, fingerprint, created, updated)
      VALUES (${randomId()}, ${collectionId}, ${recordId}, ${fingerprint}, ${now}, ${now})
      ON CONFLICT (collection_id, record_id, fingerprint) DO NOTHING`.execute(tx);
    if (Number(inserted.numAffectedRows ?? 0) === 0) return "known";
    return others.rows.length > 0 ? "new" : "first";
  });
}
