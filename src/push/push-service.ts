import { issue, validationError } from "../errors/api-error.js";
import type { JobQueue } from "../jobs/job-queue.js";
import { PermanentJobError } from "../jobs/job-types.js";
import type { SettingsService } from "../settings/settings-service.js";
import type { Db, Store } from "../store/store.js";
import { destinationIssue } from "../webhooks/ssrf/destination-issue.js";
import { type PushMessage, pushMessage } from "./push-message.js";
import { type PushOptions, pushOptionsFromEnv } from "./push-options.js";
import type { PushProvider } from "./push-provider.js";
import { parseSubscription } from "./subscription-input.js";
import {
  countSubscriptions,
  deleteExpiredSubscription,
  deleteOwnSubscription,
  getSubscription,
  listSubscriptions,
  lockOwner,
  type Owner,
  type PushSubscriptionRow,
  saveSubscription,
  subscriptionByEndpoint,
  subscriptionIdsOf,
} from "./subscription-store.js";
import { vapidDetails } from "./vapid-keys.js";
import { WebPushProvider } from "./web-push-provider.js";

/** The job that sends one message to one subscription. */
export const PUSH_JOB = "push.send";

export interface PushJobPayload {
  subscriptionId: string;
  message: PushMessage;
}

export interface PushDeps {
  store: Store;
  settings: Pick<SettingsService, "get" | "initialize">;
  jobs: Pick<JobQueue, "enqueue" | "define">;
}

const ENDPOINT_HINT =
  "Push endpoints must be public addresses of a push service (or listed in BACKROOM_PUSH_ALLOW_PRIVATE).";

/**
 * Web Push for the app: accounts register their browsers' subscriptions, and `sendTo` (hooks'
 * `app.push.send`, the superuser test endpoint) queues one durable `push.send` job per subscription,
 * retried on 5xx/429/network errors; a subscription the push service reports gone is deleted.
 */
export class PushService {
  readonly options: PushOptions;
  private readonly provider: PushProvider;

  constructor(
    private readonly deps: PushDeps,
    options: PushOptions = pushOptionsFromEnv(),
    provider?: PushProvider,
  ) {
    this.options = options;
    this.provider = provider ?? new WebPushProvider(deps.settings, options);
  }

  /** Defines the `push.send` job on this node's queue. */
  register(): void {
    this.deps.jobs.define<PushJobPayload>(PUSH_JOB, (payload) => this.deliver(payload));
  }

  /** The VAPID public key browsers subscribe with (`applicationServerKey`). */
  async publicKey(): Promise<string> {
    return (await vapidDetails(this.deps.settings)).publicKey;
  }

  /**
   * Saves a browser's subscription for `owner`. The same endpoint again updates it (keys rotate);
   * an endpoint another account registered moves to this one: one browser, whoever signed in last.
   */
  async subscribe(owner: Owner, body: unknown): Promise<PushSubscriptionRow> {
    const input = parseSubscription(body, this.options.allow);
    const problem = await destinationIssue(
      input.endpoint,
      this.options.allow,
      undefined,
      undefined,
      ENDPOINT_HINT,
    );
    if (problem) throw validationError("Invalid push subscription.", { endpoint: problem });
    const { maxSubscriptionsPerUser: max } = (await this.deps.settings.get()).push;
    return this.deps.store.transaction(async (tx) => {
      await lockOwner(tx, this.deps.store.dialect, owner);
      const existing = await subscriptionByEndpoint(tx, input.endpoint);
      const own = existing?.collectionId === owner.collectionId && existing.recordId === owner.recordId;
      if (!own && (await countSubscriptions(tx, owner)) >= max)
        throw validationError("Too many push subscriptions.", {
          endpoint: issue(
            "validation_push_subscriptions_limit",
            `An account may have at most ${max} push subscriptions; remove one it no longer uses.`,
            { max },
          ),
        });
      return saveSubscription(tx, owner, input, existing);
    });
  }

  /** Removes the owner's subscription with this endpoint; false when the owner has none such. */
  unsubscribe(owner: Owner, endpoint: string): Promise<boolean> {
    return deleteOwnSubscription(this.deps.store.db, owner, endpoint);
  }

  list(owner: Owner): Promise<PushSubscriptionRow[]> {
    return listSubscriptions(this.deps.store.db, owner);
  }

  /**
   * Queues `payload` for every subscription of these records (of one auth collection). In `db`'s
   * transaction when given: a write that rolls back sends nothing. Throws a 400 for a payload over
   * the size push services take, before anything is queued.
   */
  async sendTo(
    collectionId: string,
    recordIds: string[],
    payload: unknown,
    options?: unknown,
    db?: Db,
  ): Promise<{ queued: number }> {
    const message = pushMessage(payload, options);
    const ids = await subscriptionIdsOf(db ?? this.deps.store.db, collectionId, recordIds);
    for (const subscriptionId of ids) {
      await this.deps.jobs.enqueue(PUSH_JOB, { subscriptionId, message } satisfies PushJobPayload, {
        attempts: this.options.attempts,
        backoff: { type: "exponential", base: this.options.retryBaseMs },
        ...(db ? { tx: db } : {}),
      });
    }
    return { queued: ids.length };
  }

  /** The `push.send` job: throws to be retried, a PermanentJobError to give up. */
  private async deliver(payload: PushJobPayload): Promise<void> {
    if (typeof payload?.subscriptionId !== "string" || !payload.message)
      throw new PermanentJobError("malformed push.send payload");
    const subscription = await getSubscription(this.deps.store.db, payload.subscriptionId);
    // Unsubscribed (or removed as gone) since the message was queued.
    if (!subscription) return;
    // Past the end the browser announced: the push service would refuse it; don't ask.
    if (subscription.expirationTime !== null && subscription.expirationTime <= Date.now()) {
      await deleteExpiredSubscription(this.deps.store.db, subscription.id, subscription.updated);
      return;
    }
    const outcome = await this.provider.send(subscription, payload.message);
    if (outcome.kind === "gone")
      await deleteExpiredSubscription(this.deps.store.db, subscription.id, subscription.updated);
    else if (outcome.kind === "retry") throw new Error(outcome.reason);
    else if (outcome.kind === "refused") throw new PermanentJobError(outcome.reason);
  }
}
