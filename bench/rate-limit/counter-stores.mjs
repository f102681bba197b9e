// Cost of one rate-limit hit per counter store: memory (one node), PostgreSQL (`_rate_counters`,
// shared by the nodes without Redis) and Redis. Sequential hits give the latency a request pays
// (median and p99, µs); 32 hits in flight give what one node can push through.
// Usage: npm run build && node bench/rate-limit/counter-stores.mjs [--hits 5000]
//        (PostgreSQL: BACKROOM_TEST_PG or postgres://postgres@127.0.0.1:5432/test; Redis: BACKROOM_TEST_REDIS or redis://127.0.0.1:6379)
import { parseArgs } from "node:util";
import pg from "pg";

const { values: opts } = parseArgs({ options: { hits: { type: "string", default: "5000" } } });
const HITS = Number(opts.hits);
const PG_URL = process.env.BACKROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.BACKROOM_TEST_REDIS ?? "redis://127.0.0.1:6379";
const dist = new URL("../../dist/", import.meta.url);
const load = (path) => import(new URL(path, dist).href);

const { MemoryCounterStore } = await load("http/rate-limit/memory-counter-store.js");
const { PgCounterStore } = await load("http/rate-limit/pg-counter-store.js");
const { RedisCounterStore } = await load("http/rate-limit/redis-counter-store.js");
const { openStore } = await load("store/open-store.js");
const { PreparedPool } = await load("store/postgres/prepared-pool.js");

/** Keys as the limiter makes them: one per client address (1,000 clients here). */
const key = (i) => `/api/|1000/10|203.0.${(i >> 8) & 255}.${i & 255}`;

async function measure(name, store) {
  for (let i = 0; i < 500; i++) await store.hit(key(i), 10_000, 1, 1000); // warm-up
  const times = [];
  for (let i = 0; i < HITS; i++) {
    const t = process.hrtime.bigint();
    await store.hit(key(i % 1000), 10_000, 1, 1_000_000);
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  const inFlight = 32;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < HITS) await store.hit(key(next++ % 1000), 10_000, 1, 1_000_000);
    }),
  );
  const perSecond = HITS / ((performance.now() - started) / 1000);
  const pct = (p) => times[Math.min(times.length - 1, Math.floor((times.length * p) / 100))].toFixed(0);
  console.log(
    `${name.padEnd(10)} sequential: median ${pct(50).padStart(5)} µs, p99 ${pct(99).padStart(6)} µs | ${inFlight} in flight: ${Math.round(perSecond).toLocaleString("en-US").padStart(8)} hits/s`,
  );
}

console.log(`${HITS} hits per store, keys of 1,000 client addresses`);
await measure("memory", new MemoryCounterStore());

const schema = `bench_counters_${process.pid}`;
const store = await openStore({ kind: "postgres", url: PG_URL, schema });
try {
  const counters = new PgCounterStore(new PreparedPool(PG_URL, { schema, max: 2, applicationName: "bench" }));
  await measure("postgres", counters);
  await counters.close();
} finally {
  await store.close();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}

const redis = new RedisCounterStore(REDIS_URL, `bench:${process.pid}:`);
await redis.warmUp();
try {
  await measure("redis", redis);
} finally {
  await redis.close();
}
