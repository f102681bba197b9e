import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forbidden } from "../errors/api-error.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { PG_URL, storesUnderTest } from "../test-support/server.js";
import { type SubscribeRequest, SubscriptionForwarder } from "./forward-subscriptions.js";

// The forwarding protocol on its own: two "nodes" (forwarders) on one PostgreSQL schema.
const postgres = (await storesUnderTest()).includes("postgres");

describe.runIf(postgres)("forwarding POST /api/realtime between nodes", () => {
  const schema = `t_fwd_${Math.random().toString(36).slice(2, 10)}`;
  let store: Store;
  const started: SubscriptionForwarder[] = [];

  beforeAll(async () => {
    store = await openStore({ kind: "postgres", url: PG_URL, schema });
  });
  afterAll(async () => {
    await Promise.all(started.map((f) => f.stop()));
    await store?.close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  async function node(
    nodeId: string,
    apply: (r: SubscribeRequest) => Promise<void> = async () => {},
  ): Promise<SubscriptionForwarder> {
    const forwarder = new SubscriptionForwarder({
      db: store.db,
      listenUrl: PG_URL,
      nodeId,
      apply,
      takeTimeoutMs: 3000,
    });
    await forwarder.start();
    started.push(forwarder);
    return forwarder;
  }

  it("a subscription list far over NOTIFY's 8,000 bytes arrives whole, with the Authorization header", async () => {
    const received: SubscribeRequest[] = [];
    await node("aaaaaaaaa1", async (r) => {
      received.push(r);
    });
    const sender = await node("bbbbbbbbb1");
    const subscriptions = Array.from({ length: 1000 }, (_, i) => `orders/${i}?options=${"x".repeat(2400)}`);
    await sender.forward("aaaaaaaaa1", { clientId: "aaaaaaaaa1xyz", subscriptions, authorization: "TOKEN" });
    expect(received).toEqual([{ clientId: "aaaaaaaaa1xyz", subscriptions, authorization: "TOKEN" }]);
    const left = await store.db.selectFrom("_realtime_forwards").selectAll().execute();
    expect(left).toEqual([]); // the sender removed its request
  });

  it("the owner's refusal is the POST's answer, status, message and data", async () => {
    await node("aaaaaaaaa2", async () => {
      throw forbidden("The current and the previous request authorization don't match.");
    });
    const sender = await node("bbbbbbbbb2");
    await expect(
      sender.forward("aaaaaaaaa2", { clientId: "aaaaaaaaa2xyz", subscriptions: [] }),
    ).rejects.toMatchObject({
      status: 403,
      message: "The current and the previous request authorization don't match.",
      data: {},
    });
  });

  it("a request announced while its node was reconnecting is served once it listens again", async () => {
    const received: string[] = [];
    const owner = await node("aaaaaaaaa3", async (r) => {
      received.push(r.clientId);
    });
    const sender = await node("bbbbbbbbb3");
    await owner.stop(); // its NOTIFY goes nowhere
    const forwarded = sender.forward("aaaaaaaaa3", { clientId: "aaaaaaaaa3xyz", subscriptions: [] });
    await new Promise((r) => setTimeout(r, 300));
    await owner.start();
    await forwarded;
    expect(received).toEqual(["aaaaaaaaa3xyz"]);
  });
});
