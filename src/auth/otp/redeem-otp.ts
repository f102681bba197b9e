import { tokenSecret } from "../../collections/auth-options.js";
import type { AuthOptions, Collection } from "../../collections/model.js";
import { badRequest } from "../../errors/api-error.js";
import { canonicalEmail } from "../../records/auth-fields.js";
import { type RequestContext, systemContext } from "../../records/request-context.js";
import type { AuthDeps } from "../auth-deps.js";
import { otpCodeMatches } from "./otp-code.js";
import { otpOptions } from "./otp-options.js";
import { claimOtpAttempt, deleteOtp, MAX_OTP_ATTEMPTS, otpCutoff } from "./otp-store.js";

type AuthRecord = Record<string, unknown> & { id: string };

/** One message for every failure (unknown id, expired, wrong code, used up), as PocketBase does. */
const invalidOtp = () => badRequest("Invalid or expired OTP.");

/**
 * Checks a code against an OTP and, when it matches, consumes the OTP and returns its record.
 * Every check spends one of the OTP's attempts first; the last wrong guess deletes it. A matching
 * code marks the email verified when the code went to the record's current address (receiving it
 * proves the mailbox), as PocketBase does.
 */
export async function redeemOtp(
  services: AuthDeps,
  collection: Collection,
  otpId: string,
  code: string,
  ctx: RequestContext,
): Promise<AuthRecord> {
  const db = services.store.db;
  const otp = await claimOtpAttempt(db, otpId, collection.id);
  if (!otp) throw invalidOtp();
  if (otp.created < otpCutoff(otpOptions(collection).duration)) {
    await deleteOtp(db, otp.id);
    throw invalidOtp();
  }
  const pepper = tokenSecret(collection.auth as AuthOptions, "authToken").secret;
  // Wrong codes also count against the account (across its OTPs and its password) and the address.
  const account = otp.record_id ? `${collection.id}:${otp.record_id}` : "";
  const matches = await services.failedAttempts.check(account, ctx.ip, async () =>
    otpCodeMatches(code, otp.id, pepper, otp.password),
  );
  if (!matches) {
    if (Number(otp.attempts) >= MAX_OTP_ATTEMPTS) await deleteOtp(db, otp.id);
    throw invalidOtp();
  }
  // Only the caller whose delete removed the row may sign in: a code works once, even under races.
  if (!(await deleteOtp(db, otp.id))) throw invalidOtp();
  const record = otp.record_id ? await services.records.query.findOne(collection, otp.record_id) : undefined;
  if (!record) throw invalidOtp();
  if (
    record.verified !== true &&
    otp.sent_to !== "" &&
    canonicalEmail(String(record.email)) === otp.sent_to
  ) {
    const asSystem = { ...systemContext(), requestId: ctx.requestId, ip: ctx.ip };
    return services.records.writer.update(collection, record.id, { verified: true }, asSystem);
  }
  return record;
}
