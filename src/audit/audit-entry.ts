import { nowDate, randomId } from "../ids.js";
import type { DialectName } from "../store/sql-fragments.js";
import type { Db } from "../store/store.js";
import { insertRow } from "../store/write-statements.js";

/** Who did something: a record of an auth collection (superusers included), or nobody (guest). */
export interface Actor {
  collectionName: string;
  id: string;
}

export interface AuditEntry {
  action: string;
  collectionId?: string;
  collectionName?: string;
  recordId?: string;
  actor: Actor | null;
  /** Names of the fields the action changed (never their values: they may be secrets). */
  changes?: string[];
  requestId?: string;
  ip?: string;
}

/**
 * Writes an audit entry in the caller's transaction, so it commits (or not) with the change. With
 * the dialect known (the record write path), the statement text is cached instead of rebuilt.
 */
export async function writeAudit(tx: Db, entry: AuditEntry, dialect?: DialectName): Promise<void> {
  const row = {
    id: randomId(),
    created: nowDate(),
    action: entry.action,
    collection_id: entry.collectionId ?? "",
    collection_name: entry.collectionName ?? "",
    record_id: entry.recordId ?? "",
    actor_collection: entry.actor?.collectionName ?? "",
    actor_id: entry.actor?.id ?? "",
    changes: JSON.stringify(entry.changes ?? []),
    request_id: entry.requestId ?? "",
    ip: entry.ip ?? "",
  };
  if (dialect) await insertRow(tx, dialect, "_audit", row);
  else await tx.insertInto("_audit").values(row).execute();
}
