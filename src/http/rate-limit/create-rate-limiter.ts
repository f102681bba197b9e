import type { Config } from "../../config/config.js";
import { MemoryCounterStore } from "./memory-counter-store.js";
import { RateLimiter } from "./rate-limiter.js";
import { RedisCounterStore } from "./redis-counter-store.js";

/** The limiter a configuration asks for: Redis-backed (shared by nodes) with `--redis`, else in memory. */
export function createRateLimiter(config: Config): RateLimiter {
  const store = config.redis
    ? new RedisCounterStore(config.redis.url, config.redis.keyPrefix)
    : new MemoryCounterStore();
  return new RateLimiter(store);
}
