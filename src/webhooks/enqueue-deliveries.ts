import type { CollectionRegistry } from "../collections/registry.js";
import type { OutboxEntry } from "../events/outbox.js";
import { randomId } from "../ids.js";
import type { JobQueue } from "../jobs/job-queue.js";
import { systemContext } from "../records/request-context.js";
import type { RecordValues } from "../records/row-mapping.js";
import { recordToApi } from "../records/serialize.js";
import type { Store } from "../store/store.js";
import { ActiveWebhooks } from "./active-webhooks.js";
import { matchesEvent } from "./event-pattern.js";
import { DELIVER_JOB, type DeliverPayload, type WebhookEvent } from "./webhook-event.js";
import type { WebhookOptions } from "./webhook-options.js";

export interface EnqueueDeps {
  store: Store;
  registry: CollectionRegistry;
  jobs: JobQueue;
  options: WebhookOptions;
}

/**
 * The outbox listener: one `webhook.deliver` job per matching active webhook per committed event.
 * Every node's dispatcher sees every event, so the job key (webhook id + outbox seq) makes the
 * nodes' enqueues collapse into one job.
 */
export function enqueueDeliveries(deps: EnqueueDeps): (entry: OutboxEntry) => Promise<void> {
  const active = new ActiveWebhooks(deps.store.db);
  return async (entry) => {
    const type = `${entry.collectionName}.${entry.action}`;
    const hooks = (await active.get()).filter((hook) => matchesEvent(hook.events, type));
    if (hooks.length === 0) return;
    const collection = deps.registry.get(entry.collectionId);
    // A collection deleted since the write can't be serialized safely (hidden fields unknown): skip.
    if (!collection) return;
    const event: WebhookEvent = {
      id: `evt_${randomId()}`,
      type,
      created: entry.created,
      // As a superuser would read it through the API: hidden fields and passwords never leave.
      record: recordToApi(collection, entry.record as RecordValues, systemContext()),
    };
    for (const hook of hooks) {
      const payload: DeliverPayload = { webhookId: hook.id, event };
      await deps.jobs.enqueue(DELIVER_JOB, payload, {
        key: `webhook:${hook.id}:${entry.seq}`,
        trace: entry.trace ?? null,
        attempts: deps.options.attempts,
        backoff: { type: "exponential", base: deps.options.retryBaseMs },
      });
    }
  };
}
