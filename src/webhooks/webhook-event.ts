/** The JSON a webhook receives: one committed record event. */
export interface WebhookEvent {
  /** Stable across retries of one delivery, so receivers can drop duplicates (delivery is at least once). */
  id: string;
  /** `collection.action`, e.g. `orders.create`. */
  type: string;
  created: string;
  record: Record<string, unknown>;
}

/** The `webhook.deliver` job payload. */
export interface DeliverPayload {
  webhookId: string;
  event: WebhookEvent;
}

export const DELIVER_JOB = "webhook.deliver";
