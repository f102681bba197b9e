import { randomInt } from "node:crypto";
import PocketBase from "pocketbase";
import type { RateLimitRule } from "../../settings/settings-model.js";
import { sdk } from "../../test-support/api.js";

/** A documentation-range address (TEST-NET-3) of its own for each caller, so counters don't mix. */
export function uniqueIp(): string {
  return `203.0.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** An SDK client whose requests come "from" `ip` through a trusted X-Forwarded-For. */
export function clientFrom(url: string, ip: string, token?: string): PocketBase {
  const pb = sdk(new PocketBase(url));
  if (token) pb.authStore.save(token, null);
  pb.beforeSend = (u, options) => {
    options.headers = { ...(options.headers as Record<string, string>), "x-forwarded-for": ip };
    return { url: u, options };
  };
  return pb;
}

export const limit = (
  label: string,
  maxRequests: number,
  duration = 60,
  audience: RateLimitRule["audience"] = "",
): RateLimitRule => ({ label, maxRequests, duration, audience });

/** Turns rate limits on with exactly these rules, trusting X-Forwarded-For (as superuser: exempt). */
export async function setLimits(su: PocketBase, rules: RateLimitRule[]): Promise<void> {
  await su.settings.update({
    rateLimits: { enabled: true, rules },
    trustedProxy: { headers: ["X-Forwarded-For"], useLeftmostIP: false },
  });
}
