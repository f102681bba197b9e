import type { EmailTemplate } from "./render-template.js";

const wrap = (lines: string[]) =>
  `<p>Hello,</p>\n${lines.map((l) => `<p>${l}</p>`).join("\n")}\n<p>Thanks,<br/>{APP_NAME} team</p>`;

/** The templates every auth collection starts with; each is editable per collection. */
export const defaultTemplates: Record<
  | "verificationTemplate"
  | "resetPasswordTemplate"
  | "confirmEmailChangeTemplate"
  | "otpTemplate"
  | "authAlertTemplate",
  EmailTemplate
> = {
  verificationTemplate: {
    subject: "Verify your {APP_NAME} email",
    body: wrap([
      "Thank you for joining us at {APP_NAME}.",
      "Click on the link below to verify your email address.",
      `<a href="{APP_URL}/_/#/auth/confirm-verification/{TOKEN}" target="_blank" rel="noopener">Verify</a>`,
    ]),
  },
  resetPasswordTemplate: {
    subject: "Reset your {APP_NAME} password",
    body: wrap([
      "Click on the link below to reset your password.",
      `<a href="{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}" target="_blank" rel="noopener">Reset password</a>`,
      "<i>If you didn't ask to reset your password, you can ignore this email.</i>",
    ]),
  },
  confirmEmailChangeTemplate: {
    subject: "Confirm your {APP_NAME} new email address",
    body: wrap([
      "Click on the link below to confirm your new email address.",
      `<a href="{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}" target="_blank" rel="noopener">Confirm new email</a>`,
      "<i>If you didn't ask to change your email address, you can ignore this email.</i>",
    ]),
  },
  otpTemplate: {
    subject: "OTP for {APP_NAME}",
    body: wrap([
      "Your one-time password is: <strong>{OTP}</strong>",
      "<i>If you didn't ask for the one-time password, you can ignore this email.</i>",
    ]),
  },
  authAlertTemplate: {
    subject: "Login from a new location",
    body: wrap([
      "We noticed a login to your {APP_NAME} account from a new location.",
      "If this was you, you may disregard this email.",
      "<strong>If this wasn't you, you should immediately change your {APP_NAME} account password to revoke access from all other locations.</strong>",
    ]),
  },
};
