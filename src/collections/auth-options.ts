import { randomBytes } from "node:crypto";
import { defaultTemplates } from "../auth/mail/default-templates.js";
import { keepProviderSecrets } from "../auth/oauth2/oauth2-options.js";
import type { AuthOptions } from "./model.js";

/** Each token kind's default lifetime in seconds, as a new PocketBase v0.39 collection has it. */
const TOKEN_KINDS = {
  authToken: 432_000,
  passwordResetToken: 1_800,
  emailChangeToken: 1_800,
  verificationToken: 86_400,
  fileToken: 180,
} as const;

const secret = () => randomBytes(36).toString("base64url").slice(0, 50);

/**
 * Auth options with PocketBase's defaults. Each token kind carries its own signing secret, which
 * never leaves the server (see collection-json.ts); existing secrets survive updates.
 */
export function normalizeAuthOptions(
  input: Record<string, unknown>,
  previous: AuthOptions | undefined,
  superusers: boolean,
): AuthOptions {
  const pick = <T>(key: string, fallback: T): T =>
    (input[key] !== undefined ? input[key] : (previous?.[key] ?? fallback)) as T;
  const options: AuthOptions = {
    authRule: pick("authRule", ""),
    manageRule: pick("manageRule", null),
    authAlert: pick("authAlert", { enabled: true, emailTemplate: defaultTemplates.authAlertTemplate }),
    // Secrets are masked on read; a round-tripped collection must not wipe them.
    oauth2: keepProviderSecrets(
      pick("oauth2", {
        enabled: false,
        mappedFields: { id: "", name: "", username: "", avatarURL: "" },
        providers: [],
      }),
      previous?.oauth2,
    ),
    passwordAuth: pick("passwordAuth", { enabled: true, identityFields: ["email"] }),
    mfa: pick("mfa", { enabled: false, duration: 600, rule: "" }),
    otp: pick("otp", {
      enabled: false,
      duration: 180,
      length: 8,
      emailTemplate: defaultTemplates.otpTemplate,
    }),
    verificationTemplate: pick("verificationTemplate", defaultTemplates.verificationTemplate),
    resetPasswordTemplate: pick("resetPasswordTemplate", defaultTemplates.resetPasswordTemplate),
    confirmEmailChangeTemplate: pick(
      "confirmEmailChangeTemplate",
      defaultTemplates.confirmEmailChangeTemplate,
    ),
    authToken: { duration: superusers ? 86_400 : TOKEN_KINDS.authToken },
  };
  for (const [kind, duration] of Object.entries(TOKEN_KINDS)) {
    const given = (input[kind] ?? {}) as { duration?: unknown };
    const prev = (previous?.[kind] ?? {}) as { duration?: number; secret?: string };
    const d =
      typeof given.duration === "number" && given.duration > 0 ? Math.floor(given.duration) : undefined;
    options[kind] = {
      duration: d ?? prev.duration ?? (kind === "authToken" && superusers ? 86_400 : duration),
      secret: prev.secret ?? secret(),
    };
  }
  return options;
}

/** The secret that signs tokens of a kind for an auth collection. */
export function tokenSecret(
  options: AuthOptions,
  kind: keyof typeof TOKEN_KINDS,
): { secret: string; duration: number } {
  return options[kind] as { secret: string; duration: number };
}
