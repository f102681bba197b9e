import type PocketBase from "pocketbase";
import type { App } from "../app.js";
import { type ReceivedMail, startTestSmtp, type TestSmtp } from "./otp-smtp.js";

/** Points the server's mailer at a fresh test SMTP server. */
export async function mailTo(app: App): Promise<TestSmtp> {
  const smtp = await startTestSmtp();
  await app.services.settings.update(
    { smtp: { enabled: true, host: "127.0.0.1", port: smtp.port, tls: false } },
    null,
  );
  return smtp;
}

/** Turns OTP (and optionally MFA) on for an auth collection through the collections API. */
export async function enableOtp(
  su: PocketBase,
  collection: string,
  extra: { otp?: Record<string, unknown>; mfa?: Record<string, unknown> } = {},
): Promise<void> {
  await su.collections.update(collection, {
    otp: { enabled: true, duration: 180, length: 8, ...extra.otp },
    ...(extra.mfa ? { mfa: extra.mfa } : {}),
  });
}

/** The code in an OTP mail made from the default template. */
export function otpCodeIn(mail: ReceivedMail): string {
  const match = /one-time password is:\s*(?:<strong>)?(\d+)/.exec(mail.text);
  if (!match?.[1]) throw new Error(`no OTP in mail: ${mail.text.slice(0, 500)}`);
  return match[1];
}

/** Requests an OTP for an email and reads the code from the mail it produced. */
export async function otpByMail(
  pb: PocketBase,
  smtp: TestSmtp,
  collection: string,
  email: string,
): Promise<{ otpId: string; code: string }> {
  const { otpId } = await pb.collection(collection).requestOTP(email);
  return { otpId, code: otpCodeIn(await smtp.take(email)) };
}

/** Moves a row of a system table into the past, as if `seconds` had gone by. */
export async function ageRow(app: App, table: "_otps" | "_mfas", id: string, seconds: number): Promise<void> {
  const past = new Date(Date.now() - seconds * 1000).toISOString().replace("T", " ");
  await app.services.store.db.updateTable(table).set({ created: past }).where("id", "=", id).execute();
}
