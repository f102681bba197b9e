import type { Collection } from "../../collections/model.js";
import { defaultTemplates } from "../mail/default-templates.js";
import type { EmailTemplate } from "../mail/render-template.js";
import { isEmailTemplate } from "../mail/validate-templates.js";

/** The mails an auth collection can send (the names /api/settings/test/email accepts). */
export const TEMPLATE_KINDS = [
  "verification",
  "password-reset",
  "email-change",
  "otp",
  "login-alert",
] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export function isTemplateKind(value: unknown): value is TemplateKind {
  return typeof value === "string" && (TEMPLATE_KINDS as readonly string[]).includes(value);
}

const DEFAULTS: Record<TemplateKind, EmailTemplate> = {
  verification: defaultTemplates.verificationTemplate,
  "password-reset": defaultTemplates.resetPasswordTemplate,
  "email-change": defaultTemplates.confirmEmailChangeTemplate,
  otp: defaultTemplates.otpTemplate,
  "login-alert": defaultTemplates.authAlertTemplate,
};

function configured(collection: Collection, kind: TemplateKind): unknown {
  const auth = (collection.auth ?? {}) as Record<string, unknown>;
  const nested = (key: string) => (auth[key] as { emailTemplate?: unknown } | undefined)?.emailTemplate;
  switch (kind) {
    case "verification":
      return auth.verificationTemplate;
    case "password-reset":
      return auth.resetPasswordTemplate;
    case "email-change":
      return auth.confirmEmailChangeTemplate;
    case "otp":
      return nested("otp");
    case "login-alert":
      return nested("authAlert");
  }
}

/**
 * The collection's template of a kind. One stored in a bad shape (written before templates were
 * validated, or by hand) falls back to the default rather than failing the mail.
 */
export function collectionTemplate(collection: Collection, kind: TemplateKind): EmailTemplate {
  const value = configured(collection, kind);
  return isEmailTemplate(value) ? value : DEFAULTS[kind];
}
