import { AllowList } from "./ssrf/allow-list.js";

export interface WebhookOptions {
  /** Private destinations allowed on purpose (BACKROOM_WEBHOOK_ALLOW_PRIVATE). */
  allow: AllowList;
  timeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
  /** Delivery attempts before the job is dead-lettered. */
  attempts: number;
  /** First retry delay; doubles per retry (BACKROOM_WEBHOOK_RETRY_BASE_MS). */
  retryBaseMs: number;
}

/** Reads the webhook settings; a malformed allow list fails startup rather than being half-applied. */
export function webhookOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookOptions {
  const base = Number(env.BACKROOM_WEBHOOK_RETRY_BASE_MS);
  return {
    allow: new AllowList(env.BACKROOM_WEBHOOK_ALLOW_PRIVATE ?? ""),
    timeoutMs: 10_000,
    maxResponseBytes: 64 * 1024,
    maxRedirects: 3,
    attempts: 6,
    retryBaseMs: Number.isFinite(base) && base >= 0 && env.BACKROOM_WEBHOOK_RETRY_BASE_MS ? base : 10_000,
  };
}
