import { EventEmitter } from "node:events";
import type { CounterStore, HitResult } from "./counter-store.js";
import type { LimitCheck } from "./limit-checks.js";
import { limiterUnavailable, tooManyRequests } from "./rate-limit-error.js";

interface LimiterEvents {
  /** The counter store stopped answering (emitted once per outage). */
  unavailable: [Error];
  /** It answers again. */
  recovered: [];
}

interface Counted {
  check: LimitCheck;
  cost: number;
}

/**
 * Counts requests against rate-limit rules and refuses those over their limit. A client's counter
 * is keyed by bucket, rule and client address; a rule's numbers are part of the key, so editing a
 * rule starts its counters afresh (as PocketBase resets its limiters when settings change).
 */
export class RateLimiter extends EventEmitter<LimiterEvents> {
  private storeDown = false;

  /** The counters behind the limits (also used to count failed sign-in attempts). */
  constructor(readonly counters: CounterStore) {
    super();
  }

  /**
   * Counts one hit per check (checks of the same bucket add up: a batch of 50 creates is 50 hits,
   * in one round trip) and throws a RateLimitError — 429 when a limit is exceeded, 503 when the
   * store is down and a check fails closed. Checks that fail open let the request through.
   */
  async enforce(checks: readonly LimitCheck[], client: string): Promise<void> {
    if (checks.length === 0) return;
    const counters = new Map<string, Counted>();
    for (const check of checks) {
      const { rule } = check;
      const key = `${check.bucket}|${rule.maxRequests}/${rule.duration}|${client}`;
      const counted = counters.get(key);
      if (counted) {
        counted.cost += 1;
        counted.check = { ...counted.check, failClosed: counted.check.failClosed || check.failClosed };
      } else counters.set(key, { check, cost: 1 });
    }
    const results = await Promise.all(
      [...counters].map(async ([key, counted]) => ({ counted, hit: await this.hit(key, counted) })),
    );
    let retryAfterMs = 0;
    for (const { counted, hit } of results) {
      if (!hit) {
        if (counted.check.failClosed) throw limiterUnavailable();
        continue;
      }
      if (!hit.allowed) retryAfterMs = Math.max(retryAfterMs, hit.resetInMs);
    }
    if (retryAfterMs > 0) throw tooManyRequests(retryAfterMs);
  }

  private async hit(key: string, counted: Counted): Promise<HitResult | undefined> {
    try {
      const { rule } = counted.check;
      const hit = await this.counters.hit(key, rule.duration * 1000, counted.cost, rule.maxRequests);
      if (this.storeDown) {
        this.storeDown = false;
        this.emit("recovered");
      }
      return hit;
    } catch (err) {
      if (!this.storeDown) {
        this.storeDown = true;
        this.emit("unavailable", err instanceof Error ? err : new Error(String(err)));
      }
      return undefined;
    }
  }

  warmUp(): Promise<void> {
    return this.counters.warmUp();
  }

  close(): Promise<void> {
    return this.counters.close();
  }
}
