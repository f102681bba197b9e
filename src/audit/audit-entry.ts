import type { Insertable } from "kysely";
import { nowDate, randomId } from "../ids.js";
import type { DialectName } from "../store/sql-fragments.js";
import type { Db } from "../store/store.js";
import { type AuditTable, systemTables } from "../store/system-tables.js";
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
  const row = auditRow(entry);
  if (dialect) await insertRow(tx, dialect, "_audit", row);
  else await systemTables(tx).insertInto("_audit").values(row).execute();
}

/** The `_audit` row of an entry (for callers that insert it together with other rows). */
export function auditRow(entry: AuditEntry): Insertable<AuditTable> {
  return {
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
}
