import { Redis, type Result } from "ioredis";
import type { CounterStore, HitResult } from "./counter-store.js";

/**
 * One hit, atomically (a script): refused when it would pass the maximum, else added to the
 * counter; the expiry is set whenever the key has none (fresh, or a PEXPIRE that never ran), so
 * no counter outlives its window. Returns {allowed 0/1, count, remaining window ms}.
 */
const HIT_SCRIPT = `
local window, cost, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local count = tonumber(redis.call("GET", KEYS[1]) or "0") + cost
local ttl = redis.call("PTTL", KEYS[1])
if count > max then
  if ttl < 0 then ttl = window end
  return {0, count, ttl}
end
redis.call("INCRBY", KEYS[1], cost)
if ttl < 0 then
  redis.call("PEXPIRE", KEYS[1], window)
  ttl = window
end
return {1, count, ttl}`;

declare module "ioredis" {
  interface RedisCommander<Context> {
    rateLimitHit(
      key: string,
      windowMs: number,
      cost: number,
      max: number,
    ): Result<[number, number, number], Context>;
  }
}

/**
 * Counters in Redis, shared by every node. Fails fast rather than queueing: short connect and
 * command timeouts, no offline queue, no per-command retries; the connection itself keeps
 * retrying in the background, so the store comes back on its own when Redis does.
 */
export class RedisCounterStore implements CounterStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly keyPrefix: string,
  ) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 1000,
      commandTimeout: 500,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    });
    this.redis.defineCommand("rateLimitHit", { numberOfKeys: 1, lua: HIT_SCRIPT });
    // Failures reach callers through rejected hits; without a listener ioredis would print each one.
    this.redis.on("error", () => {});
  }

  async hit(key: string, windowMs: number, cost: number, max: number): Promise<HitResult> {
    // A lazy client connects on demand; after close() it stays closed.
    if (this.redis.status === "wait") void this.redis.connect().catch(() => {});
    const [allowed, count, ttl] = await this.redis.rateLimitHit(this.keyPrefix + key, windowMs, cost, max);
    return { allowed: allowed === 1, count: Number(count), resetInMs: Number(ttl) };
  }

  async warmUp(): Promise<void> {
    if (this.redis.status !== "wait") return;
    await this.redis.connect().catch(() => {});
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
