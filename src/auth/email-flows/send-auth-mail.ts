import type { Collection } from "../../collections/model.js";
import type { AuthDeps } from "../auth-deps.js";
import { renderTemplate } from "../mail/render-template.js";
import { collectionTemplate, type TemplateKind } from "./email-templates.js";

/** Fields a template must never put in a mail, whatever `{RECORD:…}` it names. */
const SECRET_FIELDS = new Set(["password", "tokenKey"]);

export interface AuthMailValues {
  record: Record<string, unknown>;
  token?: string;
  otp?: string;
}

/** Renders the collection's template of `kind` with the app's name and URL and mails it to `to`. */
export async function sendAuthMail(
  services: AuthDeps,
  collection: Collection,
  kind: TemplateKind,
  to: string,
  values: AuthMailValues,
): Promise<void> {
  const { meta } = await services.settings.get();
  const record = Object.fromEntries(Object.entries(values.record).filter(([k]) => !SECRET_FIELDS.has(k)));
  const mail = renderTemplate(collectionTemplate(collection, kind), {
    appName: meta.appName,
    // Templates write `{APP_URL}/_/…`; a configured trailing slash would double it.
    appURL: meta.appURL.replace(/\/+$/, ""),
    record,
    ...(values.token !== undefined ? { token: values.token } : {}),
    ...(values.otp !== undefined ? { otp: values.otp } : {}),
  });
  await services.mailer.send({ to, subject: mail.subject, html: mail.body });
}
