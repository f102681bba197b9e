import { nowDate } from "../../ids.js";
import type { Db } from "../../store/store.js";
import { systemTables } from "../../store/system-tables.js";

/** Wrong guesses an OTP survives; the fifth wrong one deletes it. */
export const MAX_OTP_ATTEMPTS = 5;

export interface OtpRow {
  id: string;
  collection_id: string;
  record_id: string;
  password: string;
  sent_to: string;
  attempts: number;
  created: string;
}

/** The creation time before which an OTP of this duration has expired. */
export const otpCutoff = (durationSeconds: number): string =>
  nowDate(new Date(Date.now() - durationSeconds * 1000));

export async function insertOtp(db: Db, row: Omit<OtpRow, "attempts" | "created">): Promise<void> {
  await systemTables(db)
    .insertInto("_otps")
    .values({ ...row, attempts: 0, created: nowDate() })
    .execute();
}

/** Removes a collection's expired OTPs, so the table only ever holds live codes. */
export async function purgeExpiredOtps(db: Db, collectionId: string, durationSeconds: number): Promise<void> {
  await systemTables(db)
    .deleteFrom("_otps")
    .where("collection_id", "=", collectionId)
    .where("created", "<", otpCutoff(durationSeconds))
    .execute();
}

/** A record's live OTPs, newest first (at most `limit`). */
export async function liveOtps(
  db: Db,
  collectionId: string,
  recordId: string,
  durationSeconds: number,
  limit: number,
): Promise<OtpRow[]> {
  return (await systemTables(db)
    .selectFrom("_otps")
    .selectAll()
    .where("collection_id", "=", collectionId)
    .where("record_id", "=", recordId)
    .where("created", ">=", otpCutoff(durationSeconds))
    .orderBy("created", "desc")
    .limit(limit)
    .execute()) as OtpRow[];
}

/**
 * Spends one attempt on an OTP and returns it, or undefined when it is missing or out of attempts.
 * The increment is a single conditional UPDATE, so concurrent guesses cannot exceed the limit.
 */
export async function claimOtpAttempt(db: Db, id: string, collectionId: string): Promise<OtpRow | undefined> {
  const updated = await systemTables(db)
    .updateTable("_otps")
    .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
    .where("id", "=", id)
    .where("collection_id", "=", collectionId)
    .where("attempts", "<", MAX_OTP_ATTEMPTS)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return undefined;
  return (await systemTables(db).selectFrom("_otps").selectAll().where("id", "=", id).executeTakeFirst()) as
    | OtpRow
    | undefined;
}

/** Deletes an OTP; true only for the one caller that actually removed it (single use). */
export async function deleteOtp(db: Db, id: string): Promise<boolean> {
  const deleted = await systemTables(db).deleteFrom("_otps").where("id", "=", id).executeTakeFirst();
  return Number(deleted.numDeletedRows) === 1;
}
