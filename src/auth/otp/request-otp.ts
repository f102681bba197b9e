import { tokenSecret } from "../../collections/auth-options.js";
import type { AuthOptions, Collection } from "../../collections/model.js";
import { randomId } from "../../ids.js";
import { canonicalEmail } from "../../records/auth-fields.js";
import type { AuthDeps } from "../auth-deps.js";
import { findByEmail } from "./find-by-email.js";
import { generateOtpCode, hashOtpCode } from "./otp-code.js";
import { otpOptions } from "./otp-options.js";
import { deleteOtp, insertOtp, liveOtps, purgeExpiredOtps } from "./otp-store.js";
import { sendOtpMail } from "./send-otp-mail.js";

/** Live codes a record may hold; past this the newest is reused and nothing is mailed (mail bombing). */
const MAX_LIVE_OTPS = 10;

export interface Logger {
  warn(details: object, message: string): void;
}

/**
 * Issues an OTP for an email and returns its id. Unknown emails get the same work (a code hashed
 * and a row stored under no record) and the same answer, so neither the response nor its timing
 * tells whether an account exists; only known ones get mail. The mail goes out after the response
 * is decided (SMTP latency would otherwise reveal the account too); a failed send deletes the code.
 */
export async function requestOtp(
  services: AuthDeps,
  collection: Collection,
  email: string,
  log: Logger,
): Promise<string> {
  const options = otpOptions(collection);
  const pepper = tokenSecret(collection.auth as AuthOptions, "authToken").secret;
  const record = await findByEmail(services, collection, email);
  const code = generateOtpCode(options.length);
  const id = randomId();
  const reused = await services.store.transaction(async (tx) => {
    await purgeExpiredOtps(tx, collection.id, options.duration);
    const live = await liveOtps(tx, collection.id, record?.id ?? "", options.duration, MAX_LIVE_OTPS);
    if (record && live.length >= MAX_LIVE_OTPS) return live[0]?.id;
    await insertOtp(tx, {
      id,
      collection_id: collection.id,
      record_id: record?.id ?? "",
      password: hashOtpCode(code, id, pepper),
      sent_to: record ? canonicalEmail(String(record.email)) : "",
    });
    return undefined;
  });
  if (reused) return reused;
  if (record) {
    sendOtpMail(services, collection, record, code).catch(async (err: unknown) => {
      log.warn({ err, otpId: id }, "failed to send the OTP email; the code was deleted");
      await deleteOtp(services.store.db, id).catch(() => false);
    });
  }
  return id;
}
