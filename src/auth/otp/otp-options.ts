import type { Collection } from "../../collections/model.js";
import { defaultTemplates } from "../mail/default-templates.js";
import type { EmailTemplate } from "../mail/render-template.js";

export interface OtpOptions {
  enabled: boolean;
  /** Seconds a code stays valid. */
  duration: number;
  /** Digits per code. */
  length: number;
  emailTemplate: EmailTemplate;
}

const int = (value: unknown, fallback: number, min: number, max: number): number =>
  typeof value === "number" && Number.isFinite(value)
    ? Math.min(max, Math.max(min, Math.floor(value)))
    : fallback;

/**
 * A collection's OTP options, read defensively: the options are stored as the client sent them,
 * so out-of-range numbers are clamped to PocketBase's bounds (duration 10 s–24 h, at least 4 digits).
 */
export function otpOptions(collection: Collection): OtpOptions {
  const raw = (collection.auth?.otp ?? {}) as Record<string, unknown>;
  const template = raw.emailTemplate as Partial<EmailTemplate> | undefined;
  return {
    enabled: raw.enabled === true,
    duration: int(raw.duration, 180, 10, 86_400),
    length: int(raw.length, 8, 4, 32),
    emailTemplate:
      typeof template?.subject === "string" && typeof template.body === "string"
        ? { subject: template.subject, body: template.body }
        : defaultTemplates.otpTemplate,
  };
}
