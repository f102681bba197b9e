import type { Config } from "../../config/config.js";
import { MemoryCounterStore } from "./memory-counter-store.js";
import { MAX_IN_FLIGHT, PgCounterStore } from "./pg-counter-store.js";
import { RateLimiter } from "./rate-limiter.js";

/**
 * The limiter a configuration asks for, with counters every node shares when there are several:
 * Redis with `--redis`; else, on PostgreSQL, a table of the database (through a pool of its own);
 * else (SQLite: one node) this process's memory. The Redis client is only loaded when configured:
 * it costs ~8 MB of memory; the PostgreSQL driver likewise (~16 MB) only on PostgreSQL. Pools
 * connect on first use.
 */
export async function createRateLimiter(config: Config): Promise<RateLimiter> {
  if (config.redis) {
    const { RedisCounterStore } = await import("./redis-counter-store.js");
    return new RateLimiter(new RedisCounterStore(config.redis.url, config.redis.keyPrefix));
  }
  if (config.store.kind === "postgres") {
    const { PreparedPool } = await import("../../store/postgres/prepared-pool.js");
    const pool = new PreparedPool(config.store.url, {
      ...(config.store.schema ? { schema: config.store.schema } : {}),
      max: MAX_IN_FLIGHT,
      applicationName: "backroom rate limits",
      named: config.store.preparedStatements !== false,
    });
    return new RateLimiter(new PgCounterStore(pool));
  }
  return new RateLimiter(new MemoryCounterStore());
}
