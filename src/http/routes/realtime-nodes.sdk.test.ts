import PocketBase, { type RecordSubscription } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Collector, installEventSource } from "../../realtime/test-support/collector.js";
import { ownedCollection } from "../../realtime/test-support/owned-collection.js";
import { expectErrorBody, raw, sdk, signedInUser } from "../../test-support/api.js";
import { type Nodes, startNodes } from "../../test-support/nodes.js";
import { RoundRobinProxy } from "../../test-support/round-robin-proxy.js";
import { storesUnderTest } from "../../test-support/server.js";

installEventSource();

type Event = RecordSubscription<Record<string, unknown>>;

// PostgreSQL only: several nodes share one database. Under CI=true a missing PostgreSQL fails.
const postgres = (await storesUnderTest()).includes("postgres");

describe.runIf(postgres)("realtime behind a round-robin balancer (3 nodes, postgres)", () => {
  let nodes: Nodes;
  let proxy: RoundRobinProxy;
  let balancer: string;
  let name: string;
  let alice: Awaited<ReturnType<typeof signedInUser>>;
  let bob: Awaited<ReturnType<typeof signedInUser>>;
  let su: PocketBase;
  const opened: PocketBase[] = [];

  beforeAll(async () => {
    nodes = await startNodes(3);
    proxy = new RoundRobinProxy(nodes.urls);
    balancer = await proxy.start();
    su = await nodes.first.superuserClient();
    alice = await signedInUser(() => nodes.first.client(), { name: "Alice" });
    bob = await signedInUser(() => nodes.first.client(), { name: "Bob" });
    name = await ownedCollection(su);
    // Every node knows the new collection before the first subscription reaches it.
    for (const app of nodes.apps) await app.services.registry.load();
  });
  afterAll(async () => {
    for (const pb of opened) pb.realtime.unsubscribe().catch(() => {});
    await proxy?.stop();
    await nodes?.close();
  });

  async function userThroughBalancer(user: { email: string; password: string }): Promise<PocketBase> {
    const pb = sdk(new PocketBase(balancer));
    await pb.collection("users").authWithPassword(user.email, user.password);
    opened.push(pb);
    return pb;
  }

  /** The node holding a client's stream (its index), and the URL of one that doesn't. */
  function nodesOf(clientId: string): { owner: number; other: string } {
    const owner = nodes.apps.findIndex((a) => clientId.startsWith(a.services.realtime.nodeId));
    expect(owner).toBeGreaterThanOrEqual(0);
    return { owner, other: nodes.urls[(owner + 1) % nodes.urls.length] as string };
  }

  it("the SDK's subscribe() works with its GET and its POST on different nodes, 100 times in 100", async () => {
    const pb = await userThroughBalancer(alice);
    const writer = su;
    let delivered = 0;
    let split = 0;
    for (let i = 0; i < 100; i++) {
      const from = proxy.routed.length;
      const got = new Collector<Event>();
      await pb.collection(name).subscribe("*", got.push);
      const [get, post] = proxy.routed.slice(from).filter((r) => r.path.startsWith("/api/realtime"));
      if (get?.method === "GET" && post?.method === "POST" && get.upstream !== post.upstream) split++;
      // Written on a node of its own choosing: the event reaches the stream's node through the outbox.
      const created = await writer.collection(name).create({ title: `n${i}`, owner: alice.id });
      // (A node's dispatcher may still hand a new subscriber an event committed just before it
      // subscribed, as on one node: look for this one.)
      const arrived = () => got.items.some((e) => e.action === "create" && e.record.id === created.id);
      await expect.poll(arrived, { timeout: 5000, interval: 5 }).toBe(true);
      delivered++;
      await pb.collection(name).unsubscribe();
    }
    expect({ split, delivered }).toEqual({ split: 100, delivered: 100 });
  });

  it("another user's token, or none, can't change a client's subscriptions through another node", async () => {
    const pb = await userThroughBalancer(alice);
    const got = new Collector<Event>();
    await pb.collection(name).subscribe("*", got.push);
    const clientId = pb.realtime.clientId;
    const { other } = nodesOf(clientId);
    const hijack = await raw(other, "/api/realtime", {
      method: "POST",
      body: { clientId, subscriptions: [] },
      token: bob.pb.authStore.token,
    });
    expectErrorBody(hijack.body, 403);
    expect((hijack.body as { message: string }).message).toBe(
      "The current and the previous request authorization don't match.",
    );
    const anonymous = await raw(other, "/api/realtime", {
      method: "POST",
      body: { clientId, subscriptions: [] },
    });
    expectErrorBody(anonymous.body, 403);
    // Alice's subscription is untouched: her events still arrive.
    await su.collection(name).create({ title: "bob's", owner: bob.id });
    await su.collection(name).create({ title: "alice's", owner: alice.id });
    expect((await got.waitFor(1)).map((e) => e.record.title)).toEqual(["alice's"]);
    // Her own token through another node changes them (and a bad topic is refused there as here).
    const bad = await raw(other, "/api/realtime", {
      method: "POST",
      body: { clientId, subscriptions: [`${name}/*?options=not-json`] },
      token: pb.authStore.token,
    });
    expectErrorBody(bad.body, 400);
    const none = await raw(other, "/api/realtime", {
      method: "POST",
      body: { clientId, subscriptions: [] },
      token: pb.authStore.token,
    });
    expect(none.status).toBe(204);
    await su.collection(name).create({ title: "after unsubscribing", owner: alice.id });
    await new Promise((r) => setTimeout(r, 300));
    expect(got.items.map((e) => e.record.title)).toEqual(["alice's"]);
  });

  it("404 when no node has the client: gone from its node, or a node that isn't there", async () => {
    const pb = await userThroughBalancer(alice);
    await pb.collection(name).subscribe("*", () => {});
    const clientId = pb.realtime.clientId;
    const { owner, other } = nodesOf(clientId);
    const hub = nodes.apps[owner]?.services.realtime;
    const before = hub?.size ?? 0;
    await pb.realtime.unsubscribe(); // the SDK closes its stream: the client is gone
    await expect.poll(() => hub?.size).toBe(before - 1);
    const gone = await raw(other, "/api/realtime", {
      method: "POST",
      body: { clientId, subscriptions: [`${name}/*`] },
      token: pb.authStore.token,
    });
    expectErrorBody(gone.body, 404);
    expect((gone.body as { message: string }).message).toBe("Missing or invalid client id.");
    const started = Date.now();
    const nowhere = await raw(other, "/api/realtime", {
      method: "POST",
      body: { clientId: `0000000000${clientId.slice(10)}`, subscriptions: [] },
    });
    expectErrorBody(nowhere.body, 404);
    // No node took it: answered once the wait for a taker ran out (2 s), not hung.
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
