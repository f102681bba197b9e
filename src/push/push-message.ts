import { type IssueMap, issue, validationError } from "../errors/api-error.js";

/**
 * The largest payload one push message carries: push services accept 4096 bytes of encrypted body
 * (RFC 8030 §7.2), and aes128gcm takes 86 bytes of header, a 16-byte tag and a 1-byte delimiter.
 */
export const MAX_PAYLOAD_BYTES = 4096 - 86 - 16 - 1;
/** Push services keep an undelivered message at most four weeks. */
const MAX_TTL = 28 * 24 * 3600;
const URGENCIES = ["very-low", "low", "normal", "high"] as const;

export type Urgency = (typeof URGENCIES)[number];

export interface PushSendOptions {
  /** Seconds the push service keeps the message for an offline device (default a day; 0 = now or never). */
  ttl?: number;
  /** A hint for the device's battery: very-low, low, normal (default), high. */
  urgency?: Urgency;
  /** A message with the same topic replaces one still waiting (≤ 32 base64url characters). */
  topic?: string;
}

/** A checked message: the payload as text (JSON for an object), ready for one job per subscription. */
export interface PushMessage {
  payload: string | null;
  ttl: number;
  urgency: Urgency;
  topic: string | null;
}

const DEFAULT_TTL = 24 * 3600;

/**
 * Checks a payload and its options before anything is queued, so a caller (a hook, the test
 * endpoint) learns at once that a message is too large rather than from dead jobs later.
 */
export function pushMessage(payload: unknown, options: unknown = {}): PushMessage {
  const issues: IssueMap = {};
  let text: string | null = null;
  if (typeof payload === "string") text = payload;
  else if (payload !== null && payload !== undefined) {
    try {
      text = JSON.stringify(payload) ?? null;
    } catch {
      issues.payload = issue("validation_invalid_value", "Must be text or a JSON value.");
    }
  }
  if (text !== null && Buffer.byteLength(text) > MAX_PAYLOAD_BYTES)
    issues.payload = issue(
      "validation_push_payload_too_large",
      `A push payload is at most ${MAX_PAYLOAD_BYTES} bytes (this one is ${Buffer.byteLength(text)}); send an id and let the app fetch the rest.`,
      { max: MAX_PAYLOAD_BYTES },
    );
  const opts = (options ?? {}) as Record<string, unknown>;
  if (typeof opts !== "object" || Array.isArray(opts)) throw validationError("Invalid push options.", {});
  const ttl = opts.ttl ?? DEFAULT_TTL;
  if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL)
    issues.ttl = issue("validation_invalid_value", `Must be a whole number of seconds from 0 to ${MAX_TTL}.`);
  const urgency = opts.urgency ?? "normal";
  if (!URGENCIES.includes(urgency as Urgency))
    issues.urgency = issue("validation_invalid_value", `Must be one of ${URGENCIES.join(", ")}.`);
  const topic = opts.topic ?? null;
  if (topic !== null && (typeof topic !== "string" || !/^[A-Za-z0-9_-]{1,32}$/.test(topic)))
    issues.topic = issue("validation_invalid_value", "Must be 1 to 32 base64url characters.");
  if (Object.keys(issues).length > 0) throw validationError("Invalid push message.", issues);
  return { payload: text, ttl: ttl as number, urgency: urgency as Urgency, topic: topic as string | null };
}
