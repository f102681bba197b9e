import { sql } from "kysely";
import { generateFromPattern, isTextField } from "../../collections/fields/index.js";
import type { Collection } from "../../collections/model.js";
import type { Db } from "../../store/store.js";

/** A fresh tokenKey in the collection's own pattern. */
export function newTokenKey(collection: Collection): string {
  const field = collection.fields.find((f) => f.name === "tokenKey");
  const pattern = field && isTextField(field) && field.autogeneratePattern ? field.autogeneratePattern : "";
  return generateFromPattern(pattern || "[a-zA-Z0-9]{50}");
}

/**
 * Makes a token single use under concurrency: swaps the record's tokenKey, but only if it is still
 * the one the token was verified against. Of two requests racing with the same token, one swaps
 * and the other finds the key changed (false). Run it in the transaction that applies the change,
 * so a failed change gives the token back.
 */
export async function claimTokenKey(
  tx: Db,
  collection: Collection,
  recordId: string,
  verifiedTokenKey: string,
): Promise<boolean> {
  const result = await sql`UPDATE ${sql.table(collection.name)} SET ${sql.ref("tokenKey")} = ${newTokenKey(
    collection,
  )} WHERE id = ${recordId} AND ${sql.ref("tokenKey")} = ${verifiedTokenKey}`.execute(tx);
  return Number(result.numAffectedRows ?? 0) === 1;
}
