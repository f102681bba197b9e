import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase, { type RecordSubscription } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import { loadConfig } from "../config/config.js";
import { Collector, installEventSource } from "../realtime/test-support/collector.js";
import { ownedCollection } from "../realtime/test-support/owned-collection.js";
import { systemContext } from "../records/request-context.js";
import { sdk, signedInUser } from "../test-support/api.js";
import { PG_URL, SUPERUSER, startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { PgWakeups } from "./pg-wakeups.js";

installEventSource();

// PostgreSQL only: several nodes share one database. Under CI=true a missing PostgreSQL fails.
const postgres = (await storesUnderTest()).includes("postgres");

describe.runIf(postgres)("outbox across nodes (postgres)", () => {
  let node1: TestServer;
  let node2: App;
  let node2Url: string;
  let schema: string;
  const dir = mkdtempSync(join(tmpdir(), "backroom-node2-"));
  let name: string;
  let alice: Awaited<ReturnType<typeof signedInUser>>;

  beforeAll(async () => {
    node1 = await startServer("postgres");
    const store = node1.app.services.config.store;
    schema = store.kind === "postgres" ? (store.schema ?? "public") : "";
    node2 = await createApp(
      loadConfig({ http: "127.0.0.1:0", dir, logLevel: "silent", db: PG_URL, dbSchema: schema }, {}),
    );
    node2Url = await node2.listen();
    const su = await node1.superuserClient();
    alice = await signedInUser(() => node1.client());
    name = await ownedCollection(su, { viewRule: null });
    await node2.services.registry.load();
  });
  afterAll(async () => {
    await node2?.close();
    await node1?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a write on node 2 reaches a subscriber on node 1, in order, filtered by its rules", async () => {
    const subscriber = sdk(node1.client());
    await subscriber.collection("users").authWithPassword(alice.email, alice.password);
    const got = new Collector<RecordSubscription<Record<string, unknown>>>();
    await subscriber.collection(name).subscribe("*", got.push);
    const writer = new PocketBase(node2Url);
    writer.autoCancellation(false);
    await writer.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    const start = performance.now();
    const rec = await writer.collection(name).create({ title: "from node 2", owner: alice.id });
    await got.waitFor(1);
    const latencyMs = performance.now() - start;
    await writer.collection(name).create({ title: "not alice's", owner: "someone" });
    await writer.collection(name).update(rec.id, { title: "updated on node 2" });
    await writer.collection(name).delete(rec.id);
    const events = await got.waitFor(3);
    expect(events.map((e) => [e.action, e.record.title])).toEqual([
      ["create", "from node 2"],
      ["update", "updated on node 2"],
      ["delete", "updated on node 2"],
    ]);
    console.log(`[realtime postgres] node 2 write → node 1 subscriber: ${latencyMs.toFixed(1)} ms`);
    await subscriber.realtime.unsubscribe();
  });

  it("NOTIFY wakes the other node's dispatcher on commit, and never for a rollback", async () => {
    let wakes = 0;
    const wakeups = new PgWakeups(PG_URL, schema, () => wakes++);
    await wakeups.start();
    try {
      await expect.poll(() => wakes).toBe(1); // the wake-up every (re)connect gives
      await node2.services.store
        .transaction(async (tx) => {
          await node2.services.records.create(name, { title: "rolled back" }, systemContext(), { db: tx });
          throw new Error("roll back");
        })
        .catch(() => {});
      await new Promise((r) => setTimeout(r, 200));
      expect(wakes).toBe(1);
      await node2.services.records.create(name, { title: "committed" }, systemContext());
      await expect.poll(() => wakes).toBe(2);
    } finally {
      await wakeups.stop();
    }
  });

  it("a transaction that commits late holds later events back, so per-record order and commit order hold", async () => {
    const subscriber = sdk(node1.client());
    await subscriber.collection("users").authWithPassword(alice.email, alice.password);
    const got = new Collector<RecordSubscription<Record<string, unknown>>>();
    await subscriber.collection(name).subscribe("*", got.push);
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    // Takes its outbox number first, commits last.
    const slow = node2.services.store.transaction(async (tx) => {
      await node2.services.records.create(name, { title: "slow", owner: alice.id }, systemContext(), {
        db: tx,
      });
      await held;
    });
    await new Promise((r) => setTimeout(r, 50));
    await node2.services.records.create(name, { title: "fast", owner: alice.id }, systemContext());
    await new Promise((r) => setTimeout(r, 300));
    expect(got.items).toEqual([]); // "fast" waits behind the open hole
    release();
    await slow;
    expect((await got.waitFor(2)).map((e) => e.record.title)).toEqual(["slow", "fast"]);
    await subscriber.realtime.unsubscribe();
  });
});
