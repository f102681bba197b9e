import type webpush from "web-push";
import type { SettingsService } from "../settings/settings-service.js";
import { DestinationRefused } from "../webhooks/ssrf/checked-target.js";
import { safePost } from "../webhooks/ssrf/safe-post.js";
import type { PushMessage } from "./push-message.js";
import type { PushOptions } from "./push-options.js";
import type { PushOutcome, PushProvider } from "./push-provider.js";
import type { PushSubscriptionRow } from "./subscription-store.js";
import { vapidDetails } from "./vapid-keys.js";
import { webPush } from "./web-push-library.js";

const errorText = (err: unknown) => (err instanceof Error ? err.message || err.name : String(err));

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291). The web-push library
 * encrypts and signs; the request itself goes through the webhooks' SSRF-safe sender, since the
 * endpoint is a URL a client gave us: each send re-checks that it is public (or allowed) and
 * connects to the address it checked.
 */
export class WebPushProvider implements PushProvider {
  readonly name = "webpush";

  constructor(
    private readonly settings: Pick<SettingsService, "get" | "initialize">,
    private readonly options: PushOptions,
  ) {}

  async send(subscription: PushSubscriptionRow, message: PushMessage): Promise<PushOutcome> {
    const details: webpush.RequestDetails = (await webPush()).generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      message.payload ?? undefined,
      {
        vapidDetails: await vapidDetails(this.settings),
        TTL: message.ttl,
        urgency: message.urgency,
        ...(message.topic ? { topic: message.topic } : {}),
        contentEncoding: "aes128gcm",
      },
    );
    const headers = Object.fromEntries(
      Object.entries(details.headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
    let status: number;
    try {
      const res = await safePost(details.endpoint, details.body ?? Buffer.alloc(0), headers, {
        allow: this.options.allow,
        timeoutMs: this.options.timeoutMs,
        maxResponseBytes: 16 * 1024,
        // A push service answers; it doesn't send us elsewhere.
        maxRedirects: 0,
      });
      status = res.status;
    } catch (err) {
      if (err instanceof DestinationRefused) return { kind: "refused", reason: errorText(err) };
      return { kind: "retry", reason: errorText(err) };
    }
    if (status >= 200 && status < 300) return { kind: "delivered", status };
    if (status === 404 || status === 410) return { kind: "gone", status };
    if (status === 429 || status >= 500)
      return { kind: "retry", reason: `the push service answered HTTP ${status}` };
    return { kind: "refused", reason: `the push service answered HTTP ${status}` };
  }
}
