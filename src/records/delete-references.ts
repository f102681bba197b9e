import { sql } from "kysely";
import { fieldType, referenceOf } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { badRequest } from "../errors/api-error.js";
import type { Db, Store } from "../store/store.js";
import { deleteAccountState } from "./auth-record-cleanup.js";
import type { RecordQuery } from "./record-query.js";
import { SYSTEM_REQUEST } from "./request-context.js";
import type { RecordValues } from "./row-mapping.js";

type OnDeleted = (collection: Collection, record: RecordValues) => Promise<void>;

const MAX_CASCADE_DEPTH = 16;

/**
 * Deletes a record and keeps relations consistent, as PocketBase does: referencing records are
 * deleted when the relation field says cascadeDelete, otherwise the id is removed from them —
 * unless that would leave a required relation empty, which refuses the delete.
 */
export async function deleteWithReferences(
  tx: Db,
  store: Store,
  registry: CollectionRegistry,
  query: RecordQuery,
  collection: Collection,
  record: RecordValues,
  onDeleted: OnDeleted,
  depth = 0,
): Promise<void> {
  if (depth > MAX_CASCADE_DEPTH) throw badRequest("Delete cascades too deeply.");
  for (const other of registry.all()) {
    if (other.type === "view") continue;
    for (const field of other.fields) {
      const reference = referenceOf(field);
      if (reference?.collectionId !== collection.id) continue;
      const referrers = await findReferrers(tx, query, other, field.name, reference.multi, record.id);
      for (const referrer of referrers) {
        if (other.id === collection.id && referrer.id === record.id) continue;
        if (reference.cascadeDelete) {
          await deleteWithReferences(tx, store, registry, query, other, referrer, onDeleted, depth + 1);
          continue;
        }
        const current = referrer[field.name];
        const next = Array.isArray(current) ? current.filter((id) => id !== record.id) : "";
        if (field.required && (Array.isArray(next) ? next.length === 0 : next === "")) {
          throw badRequest(
            `The record is still referenced by the required relation "${other.name}.${field.name}".`,
          );
        }
        await tx
          .updateTable(other.name)
          .set({ [field.name]: fieldType(field).toDb(field, next, store.dialect) })
          .where("id", "=", referrer.id)
          .execute();
      }
    }
  }
  await tx.deleteFrom(collection.name).where("id", "=", record.id).execute();
  await deleteAccountState(tx, collection, record.id);
  await onDeleted(collection, record);
}

/** Referencing records, found with the rule language so the dialect's JSON handling stays in store/. */
async function findReferrers(
  tx: Db,
  query: RecordQuery,
  other: Collection,
  fieldName: string,
  multi: boolean,
  id: string,
) {
  const scope = query.scope(other, SYSTEM_REQUEST);
  const operator = multi ? "?=" : "=";
  const where = query.filterSql(`${fieldName} ${operator} ${quoteLiteral(id)}`, scope);
  const rows = await sql<
    Record<string, unknown>
  >`SELECT r.id FROM ${sql.table(other.name)} AS r WHERE ${where}`.execute(tx);
  return query.findMany(
    other,
    rows.rows.map((r) => String(r.id)),
    undefined,
    tx,
  );
}

export function quoteLiteral(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
