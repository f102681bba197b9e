import type { PushMessage } from "./push-message.js";
import type { PushSubscriptionRow } from "./subscription-store.js";

/**
 * What one send to one subscription came to; the `push.send` job acts on it: `gone` removes the
 * subscription (the push service answered 404/410), `retry` tries again later (5xx, 429, network),
 * `refused` gives up on this message (any other answer, or an endpoint that may not be reached).
 */
export type PushOutcome =
  | { kind: "delivered"; status: number }
  | { kind: "gone"; status: number }
  | { kind: "retry"; reason: string }
  | { kind: "refused"; reason: string };

/**
 * A way to reach devices. Web Push (`web-push-provider.ts`) is the one implemented: browsers, and
 * installed web apps on Android and iOS 16.4+, subscribe through it. Native apps would need Firebase
 * Cloud Messaging (HTTP v1: an OAuth2 service-account token, then
 * `POST /v1/projects/{project}/messages:send`) or APNs (HTTP/2 with a provider JWT, `POST
 * /3/device/{token}`, 410 when the token is gone); neither is implemented yet, because neither could
 * be tested here against a server that speaks its documented API. Such a provider would store its
 * device tokens as subscriptions of its own kind and map its answers onto `PushOutcome`.
 */
export interface PushProvider {
  readonly name: string;
  send(subscription: PushSubscriptionRow, message: PushMessage): Promise<PushOutcome>;
}
