import type { CollectionRegistry } from "../collections/registry.js";
import type { OutboxDispatcher } from "../events/outbox-dispatcher.js";
import type { JobQueue } from "../jobs/job-queue.js";
import type { OpsCounters } from "../metrics/ops-counters.js";
import type { Store } from "../store/store.js";
import { deliverWebhook } from "./deliver-webhook.js";
import { enqueueDeliveries } from "./enqueue-deliveries.js";
import { DELIVER_JOB, type DeliverPayload } from "./webhook-event.js";
import { type WebhookOptions, webhookOptionsFromEnv } from "./webhook-options.js";

export interface WebhookDeps {
  store: Store;
  registry: CollectionRegistry;
  jobs: JobQueue;
  events: OutboxDispatcher;
  /** Where delivery outcomes are counted (for metrics). */
  counters?: Pick<OpsCounters, "webhookDeliveries">;
}

/** Wires webhooks into an app: committed events become delivery jobs, which this node can run. */
export function registerWebhooks(
  deps: WebhookDeps,
  options: WebhookOptions = webhookOptionsFromEnv(),
): () => void {
  deps.jobs.define<DeliverPayload>(
    DELIVER_JOB,
    deliverWebhook(deps.store, options, deps.counters?.webhookDeliveries),
  );
  return deps.events.subscribe(enqueueDeliveries({ ...deps, options }));
}
