import type { Collection } from "../../collections/model.js";
import type { AuthDeps } from "../auth-deps.js";
import { renderTemplate } from "../mail/render-template.js";
import { otpOptions } from "./otp-options.js";

/** Mails a code with the collection's OTP template (placeholders filled, values HTML-escaped). */
export async function sendOtpMail(
  services: AuthDeps,
  collection: Collection,
  record: Record<string, unknown>,
  code: string,
): Promise<void> {
  const settings = await services.settings.get();
  const mail = renderTemplate(otpOptions(collection).emailTemplate, {
    appName: settings.meta.appName,
    appURL: settings.meta.appURL,
    otp: code,
    record,
  });
  await services.mailer.send({ to: String(record.email), subject: mail.subject, html: mail.body });
}
