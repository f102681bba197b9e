import http from "node:http";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemContext } from "../records/request-context.js";
import { raw, signedInUser, uniqueName } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { RawSse } from "./test-support/raw-sse.js";

const SUBSCRIBERS = 1000;

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

describe.each(await storesUnderTest())("realtime under load (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let usersId: string;
  let alice: Awaited<ReturnType<typeof signedInUser>>;
  const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const streams: RawSse[] = [];

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    usersId = (await su.collections.getOne("users")).id;
    alice = await signedInUser(() => server.client());
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    agent.destroy();
    await server?.close();
  });

  async function collection(listRule: string, maxText = 0) {
    const name = uniqueName("feed");
    await su.collections.create({
      name,
      type: "base",
      fields: [
        { name: "title", type: "text", max: maxText },
        { name: "owner", type: "relation", collectionId: usersId, maxSelect: 1 },
      ],
      listRule,
    } as never);
    return name;
  }

  async function subscribe(sse: RawSse, topics: string[], token?: string) {
    const res = await raw(server.url, "/api/realtime", {
      method: "POST",
      body: { clientId: sse.clientId, subscriptions: topics },
      ...(token ? { token } : {}),
    });
    expect(res.status).toBe(204);
  }

  const create = (name: string, body: Record<string, unknown>) =>
    server.app.services.records.create(name, body, systemContext());

  it("drops a reader that stops reading, without delaying the others", async () => {
    const hub = server.app.services.realtime;
    const saved = hub.options.maxBufferBytes;
    hub.options.maxBufferBytes = 128 * 1024;
    try {
      const name = await collection("", 100_000);
      const slow = await RawSse.open(server.url, agent);
      const fast = await RawSse.open(server.url, agent);
      streams.push(slow, fast);
      await subscribe(slow, [`${name}/*`]);
      await subscribe(fast, [`${name}/*`]);
      const connected = hub.size;
      slow.pause();
      const big = "x".repeat(30_000);
      let written = 0;
      // Kernel socket buffers take the first megabytes; keep writing until the server gives up.
      while (hub.size === connected && written < 1000) {
        await create(name, { title: `${written} ${big}` });
        written++;
        await server.app.services.events.settle();
        // Let sockets move: the readers live in this process, and SQLite writes never yield to I/O.
        await new Promise((r) => setImmediate(r));
      }
      await server.app.services.events.settle();
      expect(hub.size).toBe(connected - 1);
      await fast.until(() => fast.events.filter((e) => e.event === `${name}/*`).length === written);
      const titles = fast.events
        .filter((e) => e.event === `${name}/*`)
        .map((e) => JSON.parse(e.data).record.title.split(" ")[0]);
      expect(titles).toEqual(Array.from({ length: written }, (_, i) => String(i)));
    } finally {
      hub.options.maxBufferBytes = saved;
    }
  });

  it(`delivers one write to ${SUBSCRIBERS} SSE subscribers, only the entitled ones, within a bound`, async () => {
    // An in-memory rule and one that needs a query (owner.id walks the relation).
    const inMemory = await collection("owner = @request.auth.id");
    const bySql = await collection("owner.id = @request.auth.id");
    const entitled: RawSse[] = [];
    const refused: RawSse[] = [];
    const t0 = performance.now();
    await pool(
      Array.from({ length: SUBSCRIBERS }, (_, i) => i),
      100,
      async (i) => {
        const sse = await RawSse.open(server.url, agent);
        streams.push(sse);
        // Every other subscriber is Alice; the rest are guests the rules refuse.
        const asAlice = i % 2 === 0;
        (asAlice ? entitled : refused).push(sse);
        await subscribe(sse, [`${inMemory}/*`, `${bySql}/*`], asAlice ? alice.pb.authStore.token : undefined);
      },
    );
    const connectMs = performance.now() - t0;
    const clients = [...entitled, ...refused];

    const measure = async (name: string) => {
      const start = performance.now();
      await create(name, { title: "hello", owner: alice.id });
      await Promise.all(
        entitled.map((c) => c.until(() => c.events.some((e) => e.event === `${name}/*`), 15_000)),
      );
      return performance.now() - start;
    };
    const inMemoryMs = await measure(inMemory);
    const bySqlMs = await measure(bySql);
    // A marker every client gets proves the refused ones are past both events.
    const open = await collection("");
    await pool(clients, 100, (c) =>
      subscribe(c, [`${open}/*`], entitled.includes(c) ? alice.pb.authStore.token : undefined),
    );
    await create(open, { title: "marker" });
    await Promise.all(
      clients.map((c) => c.until(() => c.events.some((e) => e.event === `${open}/*`), 15_000)),
    );
    for (const c of refused)
      expect(c.events.filter((e) => e.event !== "PB_CONNECT" && e.event !== `${open}/*`)).toEqual([]);

    const rssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
    console.log(
      `[realtime ${kind}] ${SUBSCRIBERS} SSE clients connected+subscribed in ${connectMs.toFixed(0)} ms; ` +
        `write→all ${entitled.length} entitled received: in-memory rule ${inMemoryMs.toFixed(1)} ms, ` +
        `SQL rule ${bySqlMs.toFixed(1)} ms; test process RSS ${rssMb} MB (server + clients)`,
    );
    expect(inMemoryMs).toBeLessThan(3000);
    expect(bySqlMs).toBeLessThan(3000);
  }, 60_000);
});
