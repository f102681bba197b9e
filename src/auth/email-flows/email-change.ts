import { fieldType } from "../../collections/fields/index.js";
import type { Collection } from "../../collections/model.js";
import { ApiError, badRequest, issue, unauthorized } from "../../errors/api-error.js";
import { canonicalEmail } from "../../records/auth-fields.js";
import type { RequestContext } from "../../records/request-context.js";
import type { AuthDeps } from "../auth-deps.js";
import { verifyPassword } from "../passwords.js";
import { signToken } from "../tokens.js";
import { type JobLogger, runInBackground } from "./background-jobs.js";
import { BodyFields } from "./body-fields.js";
import { claimTokenKey, newTokenKey } from "./claim-token-key.js";
import { findAuthRecordByEmail } from "./find-auth-record.js";
import { flowContext } from "./flow-context.js";
import { invalidToken, recordFromToken } from "./flow-token.js";
import { sendOncePerWindow } from "./resend-cooldown.js";
import { sendAuthMail } from "./send-auth-mail.js";

/**
 * request-email-change (the record's own auth token): checks the new address (valid, allowed by
 * the email field's domain rules, not in use) and mails a confirmation link to it.
 */
export async function requestEmailChange(
  services: AuthDeps,
  log: JobLogger,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: RequestContext,
): Promise<void> {
  const auth = ctx.auth;
  if (!auth) throw unauthorized();
  if (auth.collection.id !== collection.id)
    throw new ApiError(403, "The authorized record is not from this collection.");
  const record = auth.record;
  const fields = new BodyFields(body);
  const newEmail = fields.email("newEmail");
  if (newEmail !== "") {
    const emailField = collection.fields.find((f) => f.name === "email");
    const fieldIssue = emailField
      ? fieldType(emailField).validate(emailField, newEmail, { isNew: false })
      : null;
    if (fieldIssue) fields.issues.newEmail = fieldIssue;
    else if (newEmail === canonicalEmail(String(record.email ?? "")))
      fields.issues.newEmail = issue("validation_same_email", "Must differ from the current email.");
    else if (await findAuthRecordByEmail(services, collection, newEmail))
      fields.issues.newEmail = issue("validation_not_unique", "The email address is already in use.");
  }
  fields.check();
  runInBackground(services, log, "email change mail", async () => {
    await sendOncePerWindow(services, `emailChange:${collection.id}:${record.id}:${newEmail}`, async () => {
      // Bound to the current address: once the email changes, every other change link is void.
      const token = await signToken(collection, record, "emailChange", { email: record.email, newEmail });
      await sendAuthMail(services, collection, "email-change", newEmail, { record, token });
    });
  });
}

/**
 * confirm-email-change: the token (from the mail to the new address) plus the current password
 * move the record to the new address, mark it verified and rotate its tokenKey (signing out every
 * session, and voiding this token).
 */
export async function confirmEmailChange(
  services: AuthDeps,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: RequestContext,
): Promise<void> {
  const fields = new BodyFields(body);
  const token = fields.token();
  const password = fields.password("password");
  fields.check();
  const { record, claims } = await recordFromToken(services, collection, token, "emailChange");
  const newEmail = claims.newEmail;
  if (typeof newEmail !== "string" || newEmail === "" || claims.email !== record.email) throw invalidToken();
  // A password check like sign-in's: failures count against the account and the address.
  const passwordOk = await services.failedAttempts.check(`${collection.id}:${record.id}`, ctx.ip, () =>
    verifyPassword(String(record.password ?? ""), password),
  );
  if (!passwordOk) {
    throw badRequest("An error occurred while validating the submitted data.", {
      password: issue("validation_invalid_password", "Missing or invalid auth record password."),
    });
  }
  await services.store.transaction(async (tx) => {
    if (!(await claimTokenKey(tx, collection, record.id, String(record.tokenKey)))) throw invalidToken();
    await services.records.writer.update(
      collection,
      record.id,
      // A second key (beyond the claim's) so the audit entry lists tokenKey among the changes.
      { email: canonicalEmail(newEmail), verified: true, tokenKey: newTokenKey(collection) },
      flowContext(ctx),
      { db: tx },
    );
  });
}
