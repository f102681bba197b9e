import { sql } from "kysely";
import type { Collection } from "../collections/model.js";
import type { Db } from "../store/store.js";

/** Tables that hold per-account state of auth records (sign-in codes, MFA sessions, links, origins, push subscriptions). */
const ACCOUNT_TABLES = ["_external_auths", "_otps", "_mfas", "_auth_origins", "_push_subscriptions"] as const;

/** Removes what belonged to a deleted account, in the delete's transaction, so nothing dangles. */
export async function deleteAccountState(tx: Db, collection: Collection, recordId: string): Promise<void> {
  if (collection.type !== "auth") return;
  for (const table of ACCOUNT_TABLES) {
    await sql`DELETE FROM ${sql.table(table)} WHERE collection_id = ${collection.id} AND record_id = ${recordId}`.execute(
      tx,
    );
  }
}
