import { sql } from "kysely";
import type { Collection } from "../../collections/model.js";
import { canonicalEmail } from "../../records/auth-fields.js";
import type { RecordValues } from "../../records/row-mapping.js";
import type { Db } from "../../store/store.js";
import type { AuthDeps } from "../auth-deps.js";

/** The auth record with this email (compared canonically), if exactly one has it. */
export async function findAuthRecordByEmail(
  services: AuthDeps,
  collection: Collection,
  email: string,
  db: Db = services.store.db,
): Promise<RecordValues | undefined> {
  const rows = await sql<{ id: string }>`SELECT id FROM ${sql.table(collection.name)} WHERE ${sql.ref(
    "email",
  )} = ${canonicalEmail(email)} LIMIT 2`.execute(db);
  const only = rows.rows.length === 1 ? rows.rows[0] : undefined;
  return only ? services.records.query.findOne(collection, String(only.id), undefined, db) : undefined;
}
