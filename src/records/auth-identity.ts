import { sql } from "kysely";
import type { Collection } from "../collections/model.js";
import type { Db } from "../store/store.js";
import { canonicalEmail } from "./auth-fields.js";
import type { RecordQuery } from "./record-query.js";

/**
 * The one record of an auth collection whose identity field (one of `fields`, in order) equals
 * `identity`, emails compared canonically; undefined when none or several match.
 */
export async function findByIdentity(
  query: RecordQuery,
  db: Db,
  c: Collection,
  identity: string,
  fields: readonly string[],
) {
  for (const name of fields) {
    const field = c.fields.find((f) => f.name === name);
    if (!field) continue;
    const value = field.type === "email" ? canonicalEmail(identity) : identity;
    const rows = await sql<{
      id: string;
    }>`SELECT id FROM ${sql.table(c.name)} WHERE ${sql.ref(name)} = ${value} LIMIT 2`.execute(db);
    if (rows.rows.length === 1) return query.findOne(c, String(rows.rows[0]?.id));
  }
  return undefined;
}

/**
 * Replaces a record's password hash in place (an imported bcrypt hash becoming argon2id once the
 * password is known): no audit entry, no event, tokens stay valid since the password is the same.
 */
export async function replacePasswordHash(db: Db, c: Collection, id: string, hash: string): Promise<void> {
  await sql`UPDATE ${sql.table(c.name)} SET password = ${hash} WHERE id = ${id}`.execute(db);
}
