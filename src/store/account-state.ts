import { sql } from "kysely";
import type { Db } from "./store.js";

/**
 * System tables that hold per-account state of auth records (sign-in codes, MFA sessions, OAuth2
 * links, known origins, push subscriptions), each keyed by `collection_id` and `record_id`.
 */
const ACCOUNT_TABLES = ["_external_auths", "_otps", "_mfas", "_auth_origins", "_push_subscriptions"] as const;

/** Removes what belonged to one deleted account, in the delete's transaction. */
export async function deleteAccountRows(tx: Db, collectionId: string, recordId: string): Promise<void> {
  for (const table of ACCOUNT_TABLES)
    await sql`DELETE FROM ${sql.table(table)} WHERE collection_id = ${collectionId} AND record_id = ${recordId}`.execute(
      tx,
    );
}

/** Removes what belonged to every account of a deleted auth collection, in the delete's transaction. */
export async function deleteCollectionAccountRows(tx: Db, collectionId: string): Promise<void> {
  for (const table of ACCOUNT_TABLES)
    await sql`DELETE FROM ${sql.table(table)} WHERE collection_id = ${collectionId}`.execute(tx);
}
