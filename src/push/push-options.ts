import { AllowList } from "../webhooks/ssrf/allow-list.js";

export interface PushOptions {
  /**
   * Push endpoints allowed although private, and over plain http (BACKROOM_PUSH_ALLOW_PRIVATE, the
   * webhooks' list format): for a push service on the same network, and for tests. Every other
   * endpoint must be https and public.
   */
  allow: AllowList;
  /** For one request to a push service. */
  timeoutMs: number;
  /** Sends to one subscription before its job is dead-lettered. */
  attempts: number;
  /** First retry delay; doubles per retry (BACKROOM_PUSH_RETRY_BASE_MS). */
  retryBaseMs: number;
}

/** Reads the push settings that belong to the deployment rather than to the app's settings. */
export function pushOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PushOptions {
  const base = Number(env.BACKROOM_PUSH_RETRY_BASE_MS);
  return {
    allow: new AllowList(env.BACKROOM_PUSH_ALLOW_PRIVATE ?? ""),
    timeoutMs: 10_000,
    attempts: 5,
    retryBaseMs: Number.isFinite(base) && base >= 0 && env.BACKROOM_PUSH_RETRY_BASE_MS ? base : 10_000,
  };
}
