import type { Collection } from "../../collections/model.js";

export interface MfaOptions {
  enabled: boolean;
  /** Seconds between the first and the second sign-in method. */
  duration: number;
  /** A filter on the signing-in record; "" means everyone. */
  rule: string;
}

/** A collection's MFA options, read defensively (they are stored as the client sent them). */
export function mfaOptions(collection: Collection): MfaOptions {
  const raw = (collection.auth?.mfa ?? {}) as Record<string, unknown>;
  const duration = typeof raw.duration === "number" && Number.isFinite(raw.duration) ? raw.duration : 600;
  return {
    enabled: raw.enabled === true,
    duration: Math.min(86_400, Math.max(10, Math.floor(duration))),
    rule: typeof raw.rule === "string" ? raw.rule : "",
  };
}
