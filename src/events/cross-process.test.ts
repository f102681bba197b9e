import PocketBase, { type RecordSubscription } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Collector, installEventSource } from "../realtime/test-support/collector.js";
import { ownedCollection } from "../realtime/test-support/owned-collection.js";
import { sdk, signedInUser } from "../test-support/api.js";
import { PG_URL, SUPERUSER, startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import {
  ensureBuilt,
  killProcess,
  type SpawnedServer,
  serveProcess,
} from "../test-support/server-process.js";

installEventSource();

// PostgreSQL only: nodes share one database. Under CI=true a missing PostgreSQL fails.
const postgres = (await storesUnderTest()).includes("postgres");

describe.runIf(postgres)("realtime across two server processes (postgres)", () => {
  let node1: TestServer;
  let node2: SpawnedServer;
  let name: string;
  let alice: Awaited<ReturnType<typeof signedInUser>>;

  beforeAll(async () => {
    ensureBuilt();
    node1 = await startServer("postgres");
    const store = node1.app.services.config.store;
    const schema = store.kind === "postgres" ? (store.schema ?? "public") : "";
    alice = await signedInUser(() => node1.client());
    name = await ownedCollection(await node1.superuserClient());
    // A second `backroom serve` process on the same database and schema.
    node2 = await serveProcess(["--db", PG_URL, "--db-schema", schema]);
  }, 240_000);

  afterAll(async () => {
    if (node2) await killProcess(node2.child);
    await node1?.close();
  });

  const superuserOn = async (url: string) => {
    const pb = new PocketBase(url);
    pb.autoCancellation(false);
    await pb.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    return pb;
  };

  const subscribeAsAlice = async (client: PocketBase) => {
    await client.collection("users").authWithPassword(alice.email, alice.password);
    const got = new Collector<RecordSubscription<Record<string, unknown>>>();
    await client.collection(name).subscribe("*", got.push);
    return got;
  };

  it("a write in one process reaches a subscriber of the other, in order and filtered by its rules", async () => {
    const subscriber = sdk(node1.client());
    const got = await subscribeAsAlice(subscriber);
    const writer = await superuserOn(node2.url);

    const hidden = await writer.collection(name).create({ title: "not alice's", owner: "someone" });
    const rec = await writer.collection(name).create({ title: "from process 2", owner: alice.id });
    await writer.collection(name).update(rec.id, { title: "updated in process 2" });
    await writer.collection(name).delete(hidden.id);
    await writer.collection(name).delete(rec.id);

    const events = await got.waitFor(3);
    expect(events.map((e) => [e.action, e.record.id, e.record.title])).toEqual([
      ["create", rec.id, "from process 2"],
      ["update", rec.id, "updated in process 2"],
      ["delete", rec.id, "updated in process 2"],
    ]);
    // Nothing about the record alice may not see, even later.
    await new Promise((r) => setTimeout(r, 300));
    expect(got.items).toHaveLength(3);
    await subscriber.realtime.unsubscribe();
  });

  it("and the other way round: a subscriber of the spawned process sees writes made in this one", async () => {
    const subscriber = new PocketBase(node2.url);
    subscriber.autoCancellation(false);
    const got = await subscribeAsAlice(subscriber);
    const writer = await node1.superuserClient();

    await writer.collection(name).create({ title: "someone else's", owner: "someone" });
    const rec = await writer.collection(name).create({ title: "from process 1", owner: alice.id });

    const events = await got.waitFor(1);
    expect(events.map((e) => [e.action, e.record.id, e.record.title])).toEqual([
      ["create", rec.id, "from process 1"],
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(got.items).toHaveLength(1);
    await subscriber.realtime.unsubscribe();
  });
});
