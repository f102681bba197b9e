import { nowDate, randomId } from "../../ids.js";
import type { Db } from "../../store/store.js";

/** A row of `_external_auths`: one provider account linked to one auth record. */
export interface ExternalAuth {
  id: string;
  recordId: string;
  provider: string;
  providerId: string;
}

const TABLE = "_external_auths";

function toLink(row: Record<string, unknown>): ExternalAuth {
  return {
    id: String(row.id),
    recordId: String(row.record_id),
    provider: String(row.provider),
    providerId: String(row.provider_id),
  };
}

/** The record a provider account is linked to, within a collection. */
export async function findLinkByProviderId(
  db: Db,
  collectionId: string,
  provider: string,
  providerId: string,
): Promise<ExternalAuth | undefined> {
  const row = await db
    .selectFrom(TABLE)
    .selectAll()
    .where("collection_id", "=", collectionId)
    .where("provider", "=", provider)
    .where("provider_id", "=", providerId)
    .executeTakeFirst();
  return row ? toLink(row) : undefined;
}

/** The provider account (of one provider) a record is linked to. */
export async function findLinkOfRecord(
  db: Db,
  collectionId: string,
  recordId: string,
  provider: string,
): Promise<ExternalAuth | undefined> {
  const row = await db
    .selectFrom(TABLE)
    .selectAll()
    .where("collection_id", "=", collectionId)
    .where("record_id", "=", recordId)
    .where("provider", "=", provider)
    .executeTakeFirst();
  return row ? toLink(row) : undefined;
}

export async function insertLink(
  db: Db,
  collectionId: string,
  link: Omit<ExternalAuth, "id">,
): Promise<void> {
  await db
    .insertInto(TABLE)
    .values({
      id: randomId(),
      collection_id: collectionId,
      record_id: link.recordId,
      provider: link.provider,
      provider_id: link.providerId,
      created: nowDate(),
    })
    .execute();
}

export async function deleteLink(db: Db, id: string): Promise<void> {
  await db.deleteFrom(TABLE).where("id", "=", id).execute();
}

/** Removes every provider link of a record (when its ownership is re-established). */
export async function deleteLinksOfRecord(db: Db, collectionId: string, recordId: string): Promise<void> {
  await db
    .deleteFrom(TABLE)
    .where("collection_id", "=", collectionId)
    .where("record_id", "=", recordId)
    .execute();
}
