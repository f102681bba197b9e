import { ECDH } from "node:crypto";
import { type IssueMap, issue, validationError } from "../errors/api-error.js";
import { base64UrlBytes } from "../settings/push-settings.js";
import type { AllowList } from "../webhooks/ssrf/allow-list.js";
import type { SubscriptionInput } from "./subscription-store.js";

/** Longer than any push service's endpoint (FCM's are ~200 characters, Mozilla's ~300). */
const MAX_ENDPOINT_LENGTH = 2048;

/** Whether `bytes` is a point on P-256 (uncompressed), the key a browser encrypts to. */
function isP256Point(bytes: Buffer): boolean {
  if (bytes.length !== 65 || bytes[0] !== 0x04) return false;
  try {
    // Throws for bytes that are no point on the curve.
    ECDH.convertKey(bytes, "prime256v1");
    return true;
  } catch {
    return false;
  }
}

/**
 * The endpoint's form: an https URL without credentials; http only for a host the operator allowed
 * (BACKROOM_PUSH_ALLOW_PRIVATE). Whether it resolves to a public address is checked after this.
 */
function endpointIssue(endpoint: unknown, allow: AllowList) {
  if (typeof endpoint !== "string" || endpoint === "")
    return issue("validation_required", "Cannot be blank.");
  if (endpoint.length > MAX_ENDPOINT_LENGTH)
    return issue("validation_length_too_long", `Must be at most ${MAX_ENDPOINT_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return issue("validation_is_url", "Must be an https URL.");
  }
  if (url.username || url.password) return issue("validation_is_url", "Must not contain credentials.");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port ? Number(url.port) : 80;
  const plainAllowed = url.protocol === "http:" && allow.allows(host, port, host);
  if (url.protocol !== "https:" && !plainAllowed) return issue("validation_is_url", "Must be an https URL.");
  return null;
}

/**
 * A browser's `PushSubscription.toJSON()`: `{endpoint, expirationTime, keys: {p256dh, auth}}`.
 * The keys are what the payload is encrypted to (RFC 8291): p256dh a P-256 public key (65 bytes),
 * auth a 16-byte secret, both base64url. Anything else in the body is ignored.
 */
export function parseSubscription(body: unknown, allow: AllowList): SubscriptionInput {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw validationError("The body must be a push subscription object.", {});
  const input = body as Record<string, unknown>;
  const issues: IssueMap = {};
  const endpoint = endpointIssue(input.endpoint, allow);
  if (endpoint) issues.endpoint = endpoint;
  const expiration = input.expirationTime;
  if (
    expiration !== undefined &&
    expiration !== null &&
    (typeof expiration !== "number" || !Number.isSafeInteger(expiration) || expiration < 0)
  )
    issues.expirationTime = issue("validation_invalid_value", "Must be null or a time in ms since 1970.");
  const keys = input.keys as Record<string, unknown> | undefined;
  const keyIssues: IssueMap = {};
  if (!keys || typeof keys !== "object" || Array.isArray(keys)) {
    issues.keys = issue("validation_required", "Must be an object with p256dh and auth.");
  } else {
    const p256dh =
      typeof keys.p256dh === "string" && keys.p256dh.length <= 200 ? base64UrlBytes(keys.p256dh) : null;
    if (!p256dh || !isP256Point(p256dh))
      keyIssues.p256dh = issue(
        "validation_invalid_push_key",
        "Must be a P-256 public key: 65 bytes (uncompressed point), base64url.",
      );
    const auth = typeof keys.auth === "string" && keys.auth.length <= 100 ? base64UrlBytes(keys.auth) : null;
    if (auth?.length !== 16)
      keyIssues.auth = issue("validation_invalid_push_key", "Must be a 16-byte secret, base64url.");
    if (Object.keys(keyIssues).length > 0) issues.keys = keyIssues;
  }
  if (Object.keys(issues).length > 0) throw validationError("Invalid push subscription.", issues);
  const valid = keys as { p256dh: string; auth: string };
  return {
    endpoint: input.endpoint as string,
    // Stored without padding, as browsers send them.
    p256dh: valid.p256dh.replace(/=+$/, ""),
    auth: valid.auth.replace(/=+$/, ""),
    expirationTime: (expiration as number | null | undefined) ?? null,
  };
}
