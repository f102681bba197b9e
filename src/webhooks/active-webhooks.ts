import type { Db } from "../store/store.js";
import { activeWebhooks, type Webhook, webhooksGeneration } from "./webhook-store.js";

/** How long a node trusts its list of active webhooks (changes on other nodes show up within this). */
export const ACTIVE_WEBHOOKS_TTL_MS = 1000;

/**
 * The active webhooks, read at most once per TTL instead of once per committed event (which was a
 * query on every write). A change made on this node is seen at once; one made on another node
 * within the TTL, and that node's own dispatcher enqueues the deliveries meanwhile (job keys make
 * the nodes' enqueues one). Deliveries re-read their webhook, so a stale entry never sends to a
 * webhook that was deleted or turned off.
 */
export class ActiveWebhooks {
  private cached: { hooks: Webhook[]; at: number; generation: number } | undefined;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = ACTIVE_WEBHOOKS_TTL_MS,
  ) {}

  async get(now = Date.now()): Promise<Webhook[]> {
    const cached = this.cached;
    if (cached && cached.generation === webhooksGeneration() && now - cached.at < this.ttlMs)
      return cached.hooks;
    // The generation is taken before reading: a change that lands during the read forces another.
    const generation = webhooksGeneration();
    const hooks = await activeWebhooks(this.db);
    this.cached = { hooks, at: now, generation };
    return hooks;
  }
}
