import type { Collection } from "../../collections/model.js";
import { issue } from "../../errors/api-error.js";
import type { RequestContext } from "../../records/request-context.js";
import type { AuthDeps } from "../auth-deps.js";
import { signToken } from "../tokens.js";
import { type JobLogger, runInBackground } from "./background-jobs.js";
import { BodyFields } from "./body-fields.js";
import { claimTokenKey } from "./claim-token-key.js";
import { findAuthRecordByEmail } from "./find-auth-record.js";
import { flowContext } from "./flow-context.js";
import { invalidToken, recordFromToken } from "./flow-token.js";
import { sendOncePerWindow } from "./resend-cooldown.js";
import { sendAuthMail } from "./send-auth-mail.js";

/** request-password-reset: answers at once; the lookup and the mail happen in the background. */
export function requestPasswordReset(
  services: AuthDeps,
  log: JobLogger,
  collection: Collection,
  body: Record<string, unknown>,
): void {
  const fields = new BodyFields(body);
  const email = fields.email("email");
  fields.check();
  runInBackground(services, log, "password reset mail", async () => {
    const record = await findAuthRecordByEmail(services, collection, email);
    if (!record) return;
    await sendOncePerWindow(services, `passwordReset:${collection.id}:${record.id}`, async () => {
      const token = await signToken(collection, record, "passwordReset", { email: record.email });
      await sendAuthMail(services, collection, "password-reset", String(record.email), { record, token });
    });
  });
}

/**
 * confirm-password-reset: sets the new password through the records write path (so the password
 * field's rules apply and the tokenKey rotates, revoking every earlier token, this one included)
 * and marks the record verified: whoever read the mail owns the mailbox.
 */
export async function confirmPasswordReset(
  services: AuthDeps,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: RequestContext,
): Promise<void> {
  const fields = new BodyFields(body);
  const token = fields.token();
  const password = fields.password("password");
  const passwordConfirm = fields.password("passwordConfirm");
  if (password !== "" && passwordConfirm !== "" && password !== passwordConfirm)
    fields.issues.passwordConfirm = issue("validation_values_mismatch", "Values don't match.");
  fields.check();
  const { record, claims } = await recordFromToken(services, collection, token, "passwordReset");
  if (claims.email !== record.email) throw invalidToken();
  await services.store.transaction(async (tx) => {
    if (!(await claimTokenKey(tx, collection, record.id, String(record.tokenKey)))) throw invalidToken();
    await services.records.writer.update(
      collection,
      record.id,
      { password, passwordConfirm, verified: true },
      flowContext(ctx),
      { db: tx },
    );
  });
}
