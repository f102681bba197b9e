import type { Collection } from "../../collections/model.js";
import { badRequest } from "../../errors/api-error.js";
import type { RequestContext } from "../../records/request-context.js";
import type { AuthDeps } from "../auth-deps.js";
import { SUPERUSERS } from "../authenticate.js";
import { signToken } from "../tokens.js";
import { type JobLogger, runInBackground } from "./background-jobs.js";
import { BodyFields } from "./body-fields.js";
import { findAuthRecordByEmail } from "./find-auth-record.js";
import { flowContext } from "./flow-context.js";
import { invalidToken, recordFromToken } from "./flow-token.js";
import { sendOncePerWindow } from "./resend-cooldown.js";
import { sendAuthMail } from "./send-auth-mail.js";

/**
 * request-verification: validates the body, then answers; the lookup and the mail happen in the
 * background, so neither the answer nor its timing tells whether the email exists.
 */
export function requestVerification(
  services: AuthDeps,
  log: JobLogger,
  collection: Collection,
  body: Record<string, unknown>,
): void {
  if (collection.name === SUPERUSERS) throw badRequest("All superusers are verified by default.");
  const fields = new BodyFields(body);
  const email = fields.email("email");
  fields.check();
  runInBackground(services, log, "verification mail", async () => {
    const record = await findAuthRecordByEmail(services, collection, email);
    if (!record || record.verified === true) return;
    await sendOncePerWindow(services, `verification:${collection.id}:${record.id}`, async () => {
      // Bound to the address it was sent to: after an email change the old link stops working.
      const token = await signToken(collection, record, "verification", { email: record.email });
      await sendAuthMail(services, collection, "verification", String(record.email), { record, token });
    });
  });
}

/** confirm-verification: marks the token's record verified; a token works once. */
export async function confirmVerification(
  services: AuthDeps,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: RequestContext,
): Promise<void> {
  const fields = new BodyFields(body);
  const token = fields.token();
  fields.check();
  const { record, claims } = await recordFromToken(services, collection, token, "verification");
  // Verification doesn't rotate the tokenKey, so "already verified" is what makes it single use.
  if (record.verified === true || claims.email !== record.email) throw invalidToken();
  await services.records.writer.update(collection, record.id, { verified: true }, flowContext(ctx));
}
