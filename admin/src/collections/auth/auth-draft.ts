import type { ApiError } from "../../api/client";
import type { Collection } from "../../api/types";

/** An auth collection being edited, and how its sections change it. */
export interface AuthSectionProps {
  draft: Omit<Collection, "created" | "updated">;
  set: (patch: Partial<Collection>) => void;
  error: ApiError | null;
}

/** PocketBase's defaults, for a collection stored before an option existed. */
export const AUTH_DEFAULTS = {
  otp: { enabled: false, duration: 180, length: 8, emailTemplate: { subject: "", body: "" } },
  mfa: { enabled: false, duration: 600, rule: "" },
  oauth2: {
    enabled: false,
    mappedFields: { id: "", name: "", username: "", avatarURL: "" },
    providers: [] as never[],
  },
  passwordAuth: { enabled: true, identityFields: ["email"] as string[] },
};

/** A whole number from a number input ("" is 0, which the API then refuses with its message). */
export const wholeNumber = (text: string) => (text === "" ? 0 : Math.floor(Number(text)));
