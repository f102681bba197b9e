import { nowDate, randomId } from "../../ids.js";
import type { Db } from "../../store/store.js";
import { systemTables } from "../../store/system-tables.js";

export interface MfaRow {
  id: string;
  collection_id: string;
  record_id: string;
  /** The sign-in method that passed first. */
  method: string;
  created: string;
}

export async function insertMfa(db: Db, row: Omit<MfaRow, "id" | "created">): Promise<string> {
  const id = randomId();
  await systemTables(db)
    .insertInto("_mfas")
    .values({ ...row, id, created: nowDate() })
    .execute();
  return id;
}

export async function findMfa(db: Db, id: string): Promise<MfaRow | undefined> {
  return (await systemTables(db).selectFrom("_mfas").selectAll().where("id", "=", id).executeTakeFirst()) as
    | MfaRow
    | undefined;
}

/** Deletes an MFA session; true only for the one caller that removed it (each session completes once). */
export async function deleteMfa(db: Db, id: string): Promise<boolean> {
  const deleted = await systemTables(db).deleteFrom("_mfas").where("id", "=", id).executeTakeFirst();
  return Number(deleted.numDeletedRows) === 1;
}

/** Drops a collection's sessions older than the cutoff, so abandoned first steps don't pile up. */
export async function purgeExpiredMfas(db: Db, collectionId: string, cutoff: string): Promise<void> {
  await systemTables(db)
    .deleteFrom("_mfas")
    .where("collection_id", "=", collectionId)
    .where("created", "<", cutoff)
    .execute();
}
