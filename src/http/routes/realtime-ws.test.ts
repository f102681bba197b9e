import { connect } from "node:net";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownedCollection } from "../../realtime/test-support/owned-collection.js";
import { WsClient } from "../../realtime/test-support/ws-client.js";
import { systemContext } from "../../records/request-context.js";
import { signedInUser } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

describe.each(await storesUnderTest())("realtime over WebSocket (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let name: string;
  let alice: Awaited<ReturnType<typeof signedInUser>>;
  let bob: Awaited<ReturnType<typeof signedInUser>>;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    alice = await signedInUser(() => server.client());
    bob = await signedInUser(() => server.client());
    name = await ownedCollection(su);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
  });

  async function open(headers: Record<string, string> = {}) {
    const ws = await WsClient.open(server.url, headers);
    sockets.push(ws);
    return ws;
  }

  it("connects, subscribes and receives the same events as SSE, filtered per subscriber", async () => {
    const ws = await open();
    expect(ws.clientId).toMatch(/^[\w-]{20,}$/);
    const topic = `${name}/*?options=${encodeURIComponent(JSON.stringify({ query: { filter: 'title != "skip"' } }))}`;
    ws.send({ type: "subscribe", id: 1, subscriptions: [topic], authorization: alice.pb.authStore.token });
    expect(await ws.next((f) => f.type === "subscribed")).toEqual({ type: "subscribed", id: 1 });
    const rec = await su.collection(name).create({ title: "skip", owner: alice.id });
    await su.collection(name).update(rec.id, { title: "shown" });
    await su.collection(name).create({ title: "bob's", owner: bob.id });
    const event = await ws.next((f) => f.type === "event");
    expect(event).toMatchObject({
      topic,
      data: { action: "update", record: { id: rec.id, title: "shown", collectionName: name } },
    });
    await su.collection(name).delete(rec.id);
    await ws.next((f) => f.type === "event" && (f.data as { action: string }).action === "delete");
    expect(ws.events().map((f) => (f.data as { action: string }).action)).toEqual(["update", "delete"]);
  });

  it("a burst of events leaves in few writes, each event still its own message, in order", async () => {
    const hub = server.app.services.realtime;
    const saved = hub.options.flushIntervalMs;
    hub.options.flushIntervalMs = 1000;
    try {
      const ws = await open({ authorization: alice.pb.authStore.token });
      ws.send({ type: "subscribe", id: 1, subscriptions: [`${name}/*`] });
      await ws.next((f) => f.type === "subscribed");
      const before = ws.reads;
      const titles = Array.from({ length: 20 }, (_, i) => `burst ${i}`);
      for (const title of titles) {
        await server.app.services.records.create(name, { title, owner: alice.id }, systemContext());
        await server.app.services.events.settle();
        // A turn for I/O between events, so unbatched sends would reach the client one by one.
        await new Promise((r) => setTimeout(r, 5));
      }
      await ws.next((f) => f.type === "event" && JSON.stringify(f).includes("burst 19"));
      const seen = ws.events().map((f) => (f.data as { record: { title: string } }).record.title);
      expect(seen).toEqual(titles);
      // Twenty events within one flush interval share a few writes (one per round, not per event).
      expect(ws.reads - before).toBeLessThan(titles.length / 2);
    } finally {
      hub.options.flushIntervalMs = saved;
    }
  });

  it("takes auth from the upgrade request and refuses another identity with an error frame", async () => {
    const ws = await open({ authorization: bob.pb.authStore.token });
    ws.send({ type: "subscribe", id: "a", subscriptions: [`${name}/*`] });
    await ws.next((f) => f.type === "subscribed");
    ws.send({ type: "subscribe", id: "b", subscriptions: [], authorization: alice.pb.authStore.token });
    expect(await ws.next((f) => f.type === "error")).toMatchObject({ type: "error", id: "b", status: 403 });
    await su.collection(name).create({ title: "for bob", owner: bob.id });
    const event = await ws.next((f) => f.type === "event");
    expect((event.data as { record: { title: string } }).record.title).toBe("for bob");
  });

  it("answers malformed frames with an error frame and keeps the connection", async () => {
    const ws = await open();
    ws.socket.send("not json");
    expect(await ws.next((f) => f.type === "error")).toMatchObject({ status: 400 });
    ws.send({ type: "subscribe", id: 2, subscriptions: ["x/*?options=%7Bbad"] });
    expect(await ws.next((f) => f.type === "error" && f.id === 2)).toMatchObject({ status: 400 });
    ws.send({ type: "subscribe", id: 3, subscriptions: [`${name}/*`] });
    await ws.next((f) => f.type === "subscribed" && f.id === 3);
  });

  it("closing the socket removes the client from the hub", async () => {
    const ws = await open();
    const before = server.app.services.realtime.size;
    ws.close();
    await expect.poll(() => server.app.services.realtime.size).toBe(before - 1);
  });
});

/** Sends an HTTP request with WebSocket upgrade headers; resolves with the answer once the server closes. */
function upgradeRequest(
  baseUrl: string,
  path: string,
  waitMs = 3000,
): Promise<{ status: string; closed: boolean }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = "";
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: received.split("\r\n")[0] ?? "", closed });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => done(true));
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
  });
}

describe("upgrade requests to other routes", () => {
  it("are answered over HTTP and their connection closed, so the server still closes promptly", async () => {
    const server = await startServer("sqlite");
    const closing = { promise: undefined as Promise<void> | undefined };
    const close = () => {
      closing.promise ??= server.close();
      return Promise.race([
        closing.promise.then(() => "closed"),
        new Promise((resolve) => setTimeout(() => resolve("still closing after 5 s"), 5000)),
      ]);
    };
    try {
      expect(await upgradeRequest(server.url, "/api/health")).toEqual({
        status: "HTTP/1.1 200 OK",
        closed: true,
      });
      expect(await upgradeRequest(server.url, "/no/such/route")).toEqual({
        status: "HTTP/1.1 404 Not Found",
        closed: true,
      });
      // The WebSocket route itself still upgrades.
      const ws = await WsClient.open(server.url);
      expect(ws.clientId).not.toBe("");
      ws.close();
      expect(await close()).toBe("closed");
    } finally {
      await close();
    }
  }, 30_000);
});
