import { sql } from "kysely";
import { nowDate, randomId } from "../ids.js";
import type { DialectName } from "../store/sql-fragments.js";
import type { Db } from "../store/store.js";
import { type PushSubscriptionsTable, systemTables } from "../store/system-tables.js";

/** A browser's push subscription, owned by one auth record. */
export interface PushSubscriptionRow {
  id: string;
  collectionId: string;
  recordId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  /** When the browser said the subscription ends (ms since the epoch), or null. */
  expirationTime: number | null;
  created: string;
  updated: string;
}

export interface Owner {
  collectionId: string;
  recordId: string;
}

const TABLE = "_push_subscriptions" as const;

function toRow(row: PushSubscriptionsTable): PushSubscriptionRow {
  return {
    id: String(row.id),
    collectionId: String(row.collection_id),
    recordId: String(row.record_id),
    endpoint: String(row.endpoint),
    p256dh: String(row.p256dh),
    auth: String(row.auth),
    expirationTime: row.expiration_time === null ? null : Number(row.expiration_time),
    created: String(row.created),
    updated: String(row.updated),
  };
}

export async function getSubscription(db: Db, id: string): Promise<PushSubscriptionRow | undefined> {
  const row = await systemTables(db).selectFrom(TABLE).selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toRow(row) : undefined;
}

export async function subscriptionByEndpoint(
  db: Db,
  endpoint: string,
): Promise<PushSubscriptionRow | undefined> {
  const row = await systemTables(db)
    .selectFrom(TABLE)
    .selectAll()
    .where("endpoint", "=", endpoint)
    .executeTakeFirst();
  return row ? toRow(row) : undefined;
}

/**
 * Serializes registrations of one account until the transaction ends, so two at once can't both
 * pass the per-account limit (SQLite's write transactions are exclusive already).
 */
export async function lockOwner(tx: Db, dialect: DialectName, owner: Owner): Promise<void> {
  if (dialect !== "postgres") return;
  const key = `push:${owner.collectionId}:${owner.recordId}`;
  await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(tx);
}

export async function countSubscriptions(db: Db, owner: Owner): Promise<number> {
  const row = await systemTables(db)
    .selectFrom(TABLE)
    .select((eb) => eb.fn.countAll().as("n"))
    .where("collection_id", "=", owner.collectionId)
    .where("record_id", "=", owner.recordId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function listSubscriptions(db: Db, owner: Owner): Promise<PushSubscriptionRow[]> {
  const rows = await systemTables(db)
    .selectFrom(TABLE)
    .selectAll()
    .where("collection_id", "=", owner.collectionId)
    .where("record_id", "=", owner.recordId)
    .orderBy("created")
    .orderBy("id")
    .execute();
  return rows.map(toRow);
}

/** Ids of the subscriptions of these records of one collection (a page of ids at a time). */
export async function subscriptionIdsOf(
  db: Db,
  collectionId: string,
  recordIds: string[],
): Promise<string[]> {
  if (recordIds.length === 0) return [];
  const rows = await systemTables(db)
    .selectFrom(TABLE)
    .select("id")
    .where("collection_id", "=", collectionId)
    .where("record_id", "in", recordIds)
    .orderBy("id")
    .execute();
  return rows.map((r) => String(r.id));
}

export interface SubscriptionInput {
  endpoint: string;
  p256dh: string;
  auth: string;
  expirationTime: number | null;
}

/** Adds a subscription for `owner`, or updates the one with this endpoint (its keys, its owner). */
export async function saveSubscription(
  db: Db,
  owner: Owner,
  input: SubscriptionInput,
  existing: PushSubscriptionRow | undefined,
): Promise<PushSubscriptionRow> {
  const now = nowDate();
  const values = {
    collection_id: owner.collectionId,
    record_id: owner.recordId,
    p256dh: input.p256dh,
    auth: input.auth,
    expiration_time: input.expirationTime,
    updated: now,
  };
  if (existing) {
    await systemTables(db).updateTable(TABLE).set(values).where("id", "=", existing.id).execute();
    return { ...existing, ...input, ...owner, updated: now };
  }
  const id = randomId();
  await systemTables(db)
    .insertInto(TABLE)
    .values({ id, endpoint: input.endpoint, created: now, ...values })
    .execute();
  return { id, ...owner, ...input, created: now, updated: now };
}

/** Deletes the owner's subscription with this endpoint; false when the owner has none such. */
export async function deleteOwnSubscription(db: Db, owner: Owner, endpoint: string): Promise<boolean> {
  const res = await systemTables(db)
    .deleteFrom(TABLE)
    .where("endpoint", "=", endpoint)
    .where("collection_id", "=", owner.collectionId)
    .where("record_id", "=", owner.recordId)
    .executeTakeFirst();
  return Number(res.numDeletedRows ?? 0) > 0;
}

/** Deletes a subscription the push service said is gone (404/410), unless it was re-registered since. */
export async function deleteExpiredSubscription(db: Db, id: string, updated: string): Promise<void> {
  await systemTables(db).deleteFrom(TABLE).where("id", "=", id).where("updated", "=", updated).execute();
}
