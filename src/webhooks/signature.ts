import { createHmac, timingSafeEqual } from "node:crypto";

/** The header a delivery carries: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const SIGNATURE_HEADER = "Backroom-Signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The signature header value for `body` sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/**
 * Checks a `Backroom-Signature` header against the raw request body (as received, before any JSON
 * parsing): the timestamp must be within `toleranceSeconds` of now (replays of old deliveries fail)
 * and one of its v1 signatures must match, compared in constant time. Several v1 entries are
 * allowed, as in Stripe's scheme, so a sender can sign with an old and a new secret during rotation.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string | Buffer,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!secret || typeof header !== "string" || header.length > 4096) return false;
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, "hex"));
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(
    hmacHex(secret, timestamp, Buffer.isBuffer(body) ? body.toString("utf8") : body),
    "hex",
  );
  let ok = false;
  // Compare against every candidate (no early exit) so timing says nothing about which matched.
  for (const candidate of signatures) if (timingSafeEqual(candidate, expected)) ok = true;
  return ok;
}
