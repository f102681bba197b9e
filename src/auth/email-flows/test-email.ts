import { badRequest, issue } from "../../errors/api-error.js";
import type { AuthDeps } from "../auth-deps.js";
import { SUPERUSERS } from "../authenticate.js";
import { BodyFields } from "./body-fields.js";
import { isTemplateKind, TEMPLATE_KINDS } from "./email-templates.js";
import { sendAuthMail } from "./send-auth-mail.js";

/** Stand-ins for what a real mail would carry: the test only shows how the template looks. */
const SAMPLE_TOKEN = "TEST_TOKEN";
const SAMPLE_OTP = "123456";

/** First line of a transport error, short: enough for a superuser to fix the SMTP settings. */
function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split("\n")[0] ?? "").slice(0, 300);
}

/**
 * /api/settings/test/email: renders a collection's template (verification, password-reset,
 * email-change, otp, login-alert) and sends it to the given address, synchronously, so SMTP
 * problems come back as a 400 the superuser can read.
 */
export async function sendTestEmail(services: AuthDeps, body: Record<string, unknown>): Promise<void> {
  const fields = new BodyFields(body);
  const to = fields.email("email");
  const template = body.template;
  if (!isTemplateKind(template))
    fields.issues.template = issue("validation_in_invalid", `Must be one of: ${TEMPLATE_KINDS.join(", ")}.`);
  const name = body.collection === undefined || body.collection === "" ? SUPERUSERS : body.collection;
  const collection = typeof name === "string" && name.length <= 255 ? services.registry.get(name) : undefined;
  if (collection?.type !== "auth")
    fields.issues.collection = issue(
      "validation_invalid_value",
      "Must be the id or name of an auth collection.",
    );
  fields.check();
  if (!collection || !isTemplateKind(template)) return; // (checked above; narrows the types)

  const { smtp } = await services.settings.get();
  if (!smtp.enabled)
    throw badRequest("SMTP is not enabled: set smtp.enabled (and the server) in the settings first.");
  try {
    await sendAuthMail(services, collection, template, to, {
      record: { email: to, collectionId: collection.id, collectionName: collection.name },
      token: SAMPLE_TOKEN,
      otp: SAMPLE_OTP,
    });
  } catch (err) {
    throw badRequest(`Failed to send the test email: ${reason(err)}`);
  }
}
