import type { Config } from "../../config/config.js";
import { MemoryCounterStore } from "./memory-counter-store.js";
import { RateLimiter } from "./rate-limiter.js";

/**
 * The limiter a configuration asks for: Redis-backed (shared by nodes) with `--redis`, else in
 * memory. The Redis client is only loaded when configured: it costs ~8 MB of memory otherwise.
 */
export async function createRateLimiter(config: Config): Promise<RateLimiter> {
  if (!config.redis) return new RateLimiter(new MemoryCounterStore());
  const { RedisCounterStore } = await import("./redis-counter-store.js");
  return new RateLimiter(new RedisCounterStore(config.redis.url, config.redis.keyPrefix));
}
