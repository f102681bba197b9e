import { type Actor, type AuditEntry, auditRow, writeAudit } from "../audit/audit-entry.js";
import { API_KEYS_ACTOR } from "../auth/api-keys/principal.js";
import type { Collection } from "../collections/model.js";
import { appendOutbox, type OutboxEvent, outboxRow, type RecordAction } from "../events/outbox.js";
import type { DialectName } from "../store/sql-fragments.js";
import type { Db } from "../store/store.js";
import { insertRowsTogether } from "../store/write-statements.js";
import type { RequestContext } from "./request-context.js";
import type { RecordValues } from "./row-mapping.js";

/** Who a request acts as, for the audit log: a signed-in record, an API key, or nobody. */
export function actorOf(ctx: RequestContext): Actor | null {
  if (ctx.apiKey) return { collectionName: API_KEYS_ACTOR, id: ctx.apiKey.id };
  if (ctx.auth) return { collectionName: ctx.auth.collection.name, id: ctx.auth.record.id };
  return null;
}

/**
 * What every record write leaves besides the row (DESIGN principle 2): its audit entry and its
 * outbox event, in the write's own transaction so they exist exactly when the change committed.
 */
export async function recordWritten(
  tx: Db,
  change: {
    collection: Collection;
    action: RecordAction;
    record: RecordValues;
    previous?: RecordValues;
    changed?: Iterable<string>;
    ctx: RequestContext;
  },
  dialect?: DialectName,
): Promise<void> {
  const { collection, action, record, previous, ctx } = change;
  const entry: AuditEntry = {
    action: `record.${action}`,
    collectionId: collection.id,
    collectionName: collection.name,
    recordId: record.id,
    actor: actorOf(ctx),
    ...(change.changed ? { changes: [...change.changed] } : {}),
    requestId: ctx.requestId,
    ip: ctx.ip,
  };
  const event: OutboxEvent = {
    collectionId: collection.id,
    collectionName: collection.name,
    recordId: record.id,
    action,
    record,
    ...(previous ? { previous } : {}),
  };
  if (dialect) {
    // One statement on PostgreSQL: a round trip fewer per write.
    await insertRowsTogether(tx, dialect, [
      { table: "_audit", row: auditRow(entry) },
      { table: "_outbox", row: outboxRow(event) },
    ]);
    return;
  }
  await writeAudit(tx, entry);
  await appendOutbox(tx, event);
}
