import { sql } from "kysely";
import type { Collection } from "../../collections/model.js";
import { canonicalEmail } from "../../records/auth-fields.js";
import type { AuthDeps } from "../auth-deps.js";

/** The auth record whose email is the given one (compared canonically), if exactly one exists. */
export async function findByEmail(
  services: AuthDeps,
  collection: Collection,
  email: string,
): Promise<(Record<string, unknown> & { id: string }) | undefined> {
  const rows = await sql<{
    id: string;
  }>`SELECT id FROM ${sql.table(collection.name)} WHERE email = ${canonicalEmail(email)} LIMIT 2`.execute(
    services.store.db,
  );
  const only = rows.rows.length === 1 ? rows.rows[0] : undefined;
  return only ? services.records.query.findOne(collection, String(only.id)) : undefined;
}
