import type { JobContext } from "../jobs/job-types.js";
import { PermanentJobError } from "../jobs/job-types.js";
import type { OpsCounters } from "../metrics/ops-counters.js";
import type { Store } from "../store/store.js";
import { currentTraceparent, inSpan } from "../tracing/trace-context.js";
import { recordDelivery } from "./delivery-log.js";
import { signWebhook } from "./signature.js";
import { DestinationRefused } from "./ssrf/checked-target.js";
import { safePost } from "./ssrf/safe-post.js";
import type { DeliverPayload } from "./webhook-event.js";
import type { WebhookOptions } from "./webhook-options.js";
import { getWebhook } from "./webhook-store.js";

const errorText = (err: unknown) => (err instanceof Error ? err.message || err.name : String(err));

/**
 * The `webhook.deliver` job: POSTs the signed event to the webhook's URL (as it is now: a changed
 * URL or secret applies to pending retries, a deleted or paused webhook drops them), logs the
 * attempt, and throws so the queue retries anything but a 2xx. A refused destination goes dead at once.
 */
export function deliverWebhook(
  store: Store,
  options: WebhookOptions,
  outcomes: OpsCounters["webhookDeliveries"] = { success: 0, failed: 0 },
) {
  return async (payload: DeliverPayload, ctx: JobContext): Promise<void> => {
    if (typeof payload?.webhookId !== "string" || typeof payload.event?.id !== "string")
      throw new PermanentJobError("malformed webhook.deliver payload");
    const hook = await getWebhook(store.db, payload.webhookId);
    if (!hook?.active) return;
    const body = JSON.stringify(payload.event);
    const started = performance.now();
    let httpStatus = 0;
    let error = "";
    let refused = false;
    try {
      // An outbound span; the receiver gets its traceparent and may continue the trace.
      const res = await inSpan(
        "POST webhook",
        { kind: "client", attributes: { "http.request.method": "POST", "backroom.webhook.id": hook.id } },
        () => {
          const traceparent = currentTraceparent();
          return safePost(
            hook.url,
            body,
            {
              "content-type": "application/json",
              "user-agent": "Backroom-Webhooks",
              "backroom-signature": signWebhook(hook.secret, body),
              "backroom-webhook-id": hook.id,
              "backroom-event-id": payload.event.id,
              ...(traceparent ? { traceparent } : {}),
            },
            options,
          );
        },
      );
      httpStatus = res.status;
      if (res.status < 200 || res.status >= 300) error = `the receiver answered HTTP ${res.status}`;
    } catch (err) {
      refused = err instanceof DestinationRefused;
      error = errorText(err);
    }
    outcomes[error ? "failed" : "success"]++;
    await recordDelivery(store.db, {
      webhookId: hook.id,
      jobId: ctx.id,
      eventId: payload.event.id,
      eventType: payload.event.type,
      attempt: ctx.attempt,
      status: error ? "failed" : "success",
      httpStatus,
      durationMs: performance.now() - started,
      error,
    });
    if (refused) throw new PermanentJobError(error);
    if (error) throw new Error(error);
  };
}
