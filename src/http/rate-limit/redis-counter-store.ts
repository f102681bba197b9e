import { Redis, type Result } from "ioredis";
import type { CounterStore, HitOptions, HitResult } from "./counter-store.js";

/**
 * One hit, atomically (a script): refused when it would pass the maximum, else added to the
 * counter; the expiry is set whenever the key has none (fresh, or a PEXPIRE that never ran), so
 * no counter outlives its window, and on every counted hit when sliding (ARGV[4] = 1).
 * Returns {allowed 0/1, count, remaining window ms}.
 */
const HIT_SCRIPT = `
local window, cost, max, sliding = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == "1"
local count = tonumber(redis.call("GET", KEYS[1]) or "0") + cost
local ttl = redis.call("PTTL", KEYS[1])
if count > max then
  if ttl < 0 then ttl = window end
  return {0, count, ttl}
end
redis.call("INCRBY", KEYS[1], cost)
if ttl < 0 or sliding then
  redis.call("PEXPIRE", KEYS[1], window)
  ttl = window
end
return {1, count, ttl}`;

/** The count and remaining window of a key, read together. */
const PEEK_SCRIPT = `
local count = tonumber(redis.call("GET", KEYS[1]) or "0")
local ttl = redis.call("PTTL", KEYS[1])
if ttl < 0 then return {0, 0} end
return {count, ttl}`;

/** Takes back hits without going below 0; DECRBY keeps the key's expiry. */
const REFUND_SCRIPT = `
local count = tonumber(redis.call("GET", KEYS[1]) or "0")
if count <= 0 then return 0 end
return redis.call("DECRBY", KEYS[1], math.min(count, tonumber(ARGV[1])))`;

declare module "ioredis" {
  interface RedisCommander<Context> {
    rateLimitHit(
      key: string,
      windowMs: number,
      cost: number,
      max: number,
      sliding: number,
    ): Result<[number, number, number], Context>;
    rateLimitPeek(key: string): Result<[number, number], Context>;
    rateLimitRefund(key: string, cost: number): Result<number, Context>;
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
    this.redis.defineCommand("rateLimitPeek", { numberOfKeys: 1, lua: PEEK_SCRIPT });
    this.redis.defineCommand("rateLimitRefund", { numberOfKeys: 1, lua: REFUND_SCRIPT });
    // Failures reach callers through rejected hits; without a listener ioredis would print each one.
    this.redis.on("error", () => {});
  }

  /** A lazy client connects on demand; after close() it stays closed. */
  private connectIfIdle(): void {
    if (this.redis.status === "wait") void this.redis.connect().catch(() => {});
  }

  async hit(
    key: string,
    windowMs: number,
    cost: number,
    max: number,
    opts: HitOptions = {},
  ): Promise<HitResult> {
    this.connectIfIdle();
    const [allowed, count, ttl] = await this.redis.rateLimitHit(
      this.keyPrefix + key,
      windowMs,
      cost,
      max,
      opts.sliding ? 1 : 0,
    );
    return { allowed: allowed === 1, count: Number(count), resetInMs: Number(ttl) };
  }

  async peek(key: string): Promise<{ count: number; resetInMs: number }> {
    this.connectIfIdle();
    const [count, ttl] = await this.redis.rateLimitPeek(this.keyPrefix + key);
    return { count: Number(count), resetInMs: Number(ttl) };
  }

  async refund(key: string, cost: number): Promise<void> {
    this.connectIfIdle();
    await this.redis.rateLimitRefund(this.keyPrefix + key, cost);
  }

  async warmUp(): Promise<void> {
    if (this.redis.status !== "wait") return;
    await this.redis.connect().catch(() => {});
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
