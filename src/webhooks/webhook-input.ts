import { randomBytes } from "node:crypto";
import { badRequest, type FieldIssue, type IssueMap, issue } from "../errors/api-error.js";
import { isEventPattern } from "./event-pattern.js";
import type { Webhook } from "./webhook-store.js";

export type WebhookInput = Partial<Pick<Webhook, "url" | "events" | "secret" | "active">>;

export interface WebhookInputDeps {
  /** Why a well-formed URL may not be saved (a private or unresolvable target), or null. */
  destinationIssue(url: string): Promise<FieldIssue | null>;
}

const MAX_URL_LENGTH = 2048;
const MAX_EVENTS = 50;
const SECRET_MIN = 16;
const SECRET_MAX = 256;

/** A fresh signing secret for a webhook created without one. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("hex")}`;
}

type Parsed<T> = { value: T } | { issue: FieldIssue };

function parseUrl(value: unknown): Parsed<string> {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_URL_LENGTH)
    return {
      issue: issue("validation_invalid_url", `A URL of 1 to ${MAX_URL_LENGTH} characters is required.`),
    };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { issue: issue("validation_invalid_url", "Must be a valid URL.") };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { issue: issue("validation_invalid_url", "Only http and https URLs are allowed.") };
  if (url.username || url.password)
    return { issue: issue("validation_invalid_url", "The URL must not contain credentials.") };
  return { value: url.toString() };
}

function parseEvents(value: unknown): Parsed<string[]> {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_EVENTS)
    return {
      issue: issue("validation_invalid_events", `A list of 1 to ${MAX_EVENTS} event patterns is required.`),
    };
  if (!value.every((v): v is string => typeof v === "string" && isEventPattern(v)))
    return {
      issue: issue(
        "validation_invalid_events",
        'Each event must be "*", "collection.*", "*.action" or "collection.action".',
      ),
    };
  return { value: [...new Set(value)] };
}

/**
 * Validates a create (every field, secret optional) or an update (only the fields given); a URL
 * must also pass the destination check deliveries make. Errors come back per field, as the
 * records API reports them.
 */
export async function parseWebhookInput(
  body: Record<string, unknown>,
  partial: boolean,
  deps: WebhookInputDeps,
): Promise<WebhookInput> {
  const out: WebhookInput = {};
  const issues: IssueMap = {};
  if (!partial || body.url !== undefined) {
    const url = parseUrl(body.url);
    const refused = "value" in url ? await deps.destinationIssue(url.value) : url.issue;
    if (refused) issues.url = refused;
    else if ("value" in url) out.url = url.value;
  }
  if (!partial || body.events !== undefined) {
    const events = parseEvents(body.events);
    if ("issue" in events) issues.events = events.issue;
    else out.events = events.value;
  }
  if (body.secret !== undefined) {
    if (typeof body.secret !== "string" || body.secret.length < SECRET_MIN || body.secret.length > SECRET_MAX)
      issues.secret = issue(
        "validation_length_out_of_range",
        `Must be ${SECRET_MIN} to ${SECRET_MAX} characters.`,
      );
    else out.secret = body.secret;
  }
  if (body.active !== undefined) {
    if (typeof body.active !== "boolean")
      issues.active = issue("validation_invalid_bool", "Must be true or false.");
    else out.active = body.active;
  }
  if (Object.keys(issues).length > 0)
    throw badRequest(partial ? "Failed to update the webhook." : "Failed to create the webhook.", issues);
  return out;
}
