import { badRequest } from "../errors/api-error.js";
import { nowDate, randomId } from "../ids.js";
import type { JobQueue } from "../jobs/job-queue.js";
import { DELIVER_JOB, type DeliverPayload, type WebhookEvent } from "./webhook-event.js";
import type { WebhookOptions } from "./webhook-options.js";
import type { Webhook } from "./webhook-store.js";

/** The event type of a test delivery (a collection can't be named with a dot, so no real event has it). */
export const TEST_EVENT_TYPE = "webhook.test";

/**
 * Queues one signed sample event for a webhook (the admin's "Send test"), through the same job and
 * delivery log as real events, so the receiver's answer shows up among the deliveries. It is sent
 * whatever the webhook's event patterns; a paused webhook sends nothing, so that is refused.
 */
export async function enqueueTestDelivery(
  jobs: JobQueue,
  options: WebhookOptions,
  hook: Webhook,
): Promise<{ jobId: string; event: WebhookEvent }> {
  if (!hook.active) throw badRequest("The webhook is paused: resume it to send a test event.");
  const event: WebhookEvent = {
    id: `evt_${randomId()}`,
    type: TEST_EVENT_TYPE,
    created: nowDate(),
    record: { id: "test", collectionName: "webhook_test", note: "A test event sent from the admin." },
  };
  const payload: DeliverPayload = { webhookId: hook.id, event };
  const job = await jobs.enqueue(DELIVER_JOB, payload, {
    attempts: 1,
    backoff: { type: "exponential", base: options.retryBaseMs },
  });
  return { jobId: job.id, event };
}
