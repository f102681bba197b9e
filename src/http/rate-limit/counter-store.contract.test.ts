import { sql } from "kysely";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";
import { PreparedPool } from "../../store/postgres/prepared-pool.js";
import type { Store } from "../../store/store.js";
import { PG_URL, storesUnderTest } from "../../test-support/server.js";
import type { CounterStore } from "./counter-store.js";
import { MemoryCounterStore } from "./memory-counter-store.js";
import { PgCounterStore } from "./pg-counter-store.js";
import { RedisCounterStore } from "./redis-counter-store.js";
import { REDIS_URL, redisAvailable, testKeyPrefix } from "./test-redis.js";

// One specification, every implementation: the limits must mean the same whichever store counts.
const hasPostgres = (await storesUnderTest()).includes("postgres");
const hasRedis = await redisAvailable();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WINDOW = 600;
/** A remaining window just handed out: the full window, less the statement's own time. */
const fullWindow = (ms: number) => ms > WINDOW - 150 && ms <= WINDOW;

interface Backend {
  name: string;
  available: boolean;
  open(): Promise<CounterStore>;
}

const stores: Store[] = [];
const schemas: string[] = [];
const backends: Backend[] = [
  { name: "memory", available: true, open: async () => new MemoryCounterStore() },
  {
    name: "postgres",
    available: hasPostgres,
    async open() {
      const schema = `t_counters_${Math.random().toString(36).slice(2, 10)}`;
      schemas.push(schema);
      // The store makes the schema and its tables; counters go through a pool of their own.
      stores.push(await openStore({ kind: "postgres", url: PG_URL, schema }));
      return new PgCounterStore(new PreparedPool(PG_URL, { schema, max: 2, applicationName: "test" }));
    },
  },
  {
    name: "redis",
    available: hasRedis,
    async open() {
      const store = new RedisCounterStore(REDIS_URL, testKeyPrefix());
      await store.warmUp();
      return store;
    },
  },
];

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe.each(backends.filter((b) => b.available).map((b) => [b.name, b] as const))(
  "counter store contract (%s)",
  (_name, backend) => {
    it("counts allowed hits in a window that opens with the first, refusing without counting", async () => {
      const store = await backend.open();
      const first = await store.hit("k", WINDOW, 1, 3);
      expect(first).toMatchObject({ allowed: true, count: 1 });
      expect(fullWindow(first.resetInMs)).toBe(true);
      expect(await store.hit("k", WINDOW, 2, 3)).toMatchObject({ allowed: true, count: 3 });
      // Refused hits are not counted: the count stays at 3, and the window stays full.
      expect(await store.hit("k", WINDOW, 5, 3)).toMatchObject({ allowed: false, count: 8 });
      const refused = await store.hit("k", WINDOW, 1, 3);
      expect(refused).toMatchObject({ allowed: false, count: 4 });
      expect(refused.resetInMs).toBeGreaterThan(0);
      expect(refused.resetInMs).toBeLessThan(first.resetInMs);
      expect(await store.hit("other", WINDOW, 1, 3)).toMatchObject({ allowed: true, count: 1 });
      await sleep(WINDOW + 50);
      const again = await store.hit("k", WINDOW, 1, 3);
      expect(again).toMatchObject({ allowed: true, count: 1 });
      expect(fullWindow(again.resetInMs)).toBe(true);
      await store.close();
    });

    it("sliding hits restart the window, refused ones don't; peek counts nothing; refunds stop at 0", async () => {
      const store = await backend.open();
      await store.hit("s", WINDOW, 1, 5, { sliding: true });
      await sleep(WINDOW / 2);
      const slid = await store.hit("s", WINDOW, 1, 5, { sliding: true });
      expect(slid).toMatchObject({ allowed: true, count: 2 });
      expect(fullWindow(slid.resetInMs)).toBe(true);
      await sleep(WINDOW / 2 + 50); // past the first hit's window, within the second's
      const seen = await store.peek("s");
      expect(seen.count).toBe(2);
      expect(seen.resetInMs).toBeGreaterThan(0);
      expect(seen.resetInMs).toBeLessThan(WINDOW / 2);
      expect((await store.peek("s")).count).toBe(2);
      const refused = await store.hit("s", WINDOW, 4, 5, { sliding: true });
      expect(refused.allowed).toBe(false);
      expect(refused.resetInMs).toBeLessThanOrEqual(seen.resetInMs);
      await store.refund("s", 1);
      await store.refund("s", 5);
      expect((await store.peek("s")).count).toBe(0);
      await sleep(WINDOW / 2);
      expect(await store.peek("s")).toEqual({ count: 0, resetInMs: 0 });
      expect(await store.peek("never")).toEqual({ count: 0, resetInMs: 0 });
      await store.refund("never", 1);
      expect(await store.peek("never")).toEqual({ count: 0, resetInMs: 0 });
      await store.close();
    });

    it("concurrent hits on one key: exactly the maximum is allowed", async () => {
      const store = await backend.open();
      const results = await Promise.all(Array.from({ length: 40 }, () => store.hit("c", 60_000, 1, 10)));
      const allowed = results.filter((r) => r.allowed).map((r) => r.count);
      // Each allowed hit saw the one before it: no two read the same count.
      expect(allowed.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(results.filter((r) => !r.allowed).every((r) => r.count === 11)).toBe(true);
      expect((await store.peek("c")).count).toBe(10);
      await store.close();
    });

    it("many keys hit at once, each several times: every key allows exactly its maximum", async () => {
      const store = await backend.open();
      const hits = Array.from({ length: 300 }, (_, i) => `key${i % 30}`);
      const results = await Promise.all(hits.map((k) => store.hit(k, 60_000, 1, 4, { sliding: k < "key2" })));
      const allowedPerKey = new Map<string, number>();
      results.forEach((r, i) => {
        const k = hits[i] as string;
        if (r.allowed) allowedPerKey.set(k, (allowedPerKey.get(k) ?? 0) + 1);
      });
      expect([...allowedPerKey.values()]).toEqual(Array(30).fill(4));
      for (const k of ["key0", "key17", "key29"]) expect((await store.peek(k)).count).toBe(4);
      await store.close();
    });
  },
);

describe.runIf(hasPostgres)("PgCounterStore across nodes and housekeeping", () => {
  it("two nodes' batched hits on the same keys neither deadlock nor overcount", async () => {
    const schema = `t_counters_${Math.random().toString(36).slice(2, 10)}`;
    schemas.push(schema);
    const nodes: PgCounterStore[] = [];
    for (let n = 0; n < 2; n++) {
      if (n === 0) stores.push(await openStore({ kind: "postgres", url: PG_URL, schema }));
      nodes.push(new PgCounterStore(new PreparedPool(PG_URL, { schema, max: 2, applicationName: "test" })));
    }
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    // Node 0 goes through the keys forwards, node 1 backwards, many times over.
    const runs = await Promise.all(
      nodes.map((node, n) =>
        Promise.all(
          Array.from({ length: 400 }, (_, i) => {
            const k = keys[n === 0 ? i % 40 : 39 - (i % 40)] as string;
            return node.hit(k, 60_000, 1, 7).then((r) => (r.allowed ? k : ""));
          }),
        ),
      ),
    );
    const allowed = runs.flat().filter((k) => k !== "");
    for (const k of keys) expect(allowed.filter((a) => a === k)).toHaveLength(7);
    await Promise.all(nodes.map((node) => node.close()));
  });

  it("the sweep deletes counters whose window ended and keeps the others", async () => {
    const store = (await backends[1]?.open()) as PgCounterStore;
    await store.hit("short", 100, 1, 5);
    await store.hit("long", 60_000, 1, 5);
    await sleep(150);
    expect(await store.sweep()).toBe(1);
    const db = stores[stores.length - 1]?.db;
    if (!db) throw new Error("no store");
    const { rows } = await sql<{ key: string }>`SELECT key FROM _rate_counters`.execute(db);
    expect(rows.map((r) => r.key)).toEqual(["long"]);
    expect((await store.peek("long")).count).toBe(1);
    await store.close();
  });
});
