/**
 * GraphQL subscriptions over graphql-ws (issue #20 point 3): events come from the realtime hub's
 * fan-out with the subscriber's own authorization, so a user gets only the rows their rules let
 * them see. The standard graphql-ws client against a real server, both stores.
 */

import { type Client, createClient } from "graphql-ws";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { signedInUser, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

interface Change {
  action: string;
  record: { title: string; owner: string };
}

/** Collects what one subscription yields; `settled` waits a moment for stragglers. */
function subscribe(client: Client, query: string) {
  const events: Change[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<Record<string, Change>>(
    { query },
    {
      next: (value) => {
        if (value.errors) errors.push(value.errors);
        for (const change of Object.values(value.data ?? {})) events.push(change);
      },
      error: (err) => errors.push(err),
      complete: () => {},
    },
  );
  return { events, errors, stop };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(await storesUnderTest())("GraphQL subscriptions (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let notes: string;
  let field: string;
  const clients: Client[] = [];

  const wsClient = (token?: string) => {
    const client = createClient({
      url: `${server.url.replace(/^http/, "ws")}/api/graphql/ws`,
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: token } : {},
      retryAttempts: 0,
      lazy: false,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    notes = uniqueName("notes");
    await su.collections.create({
      name: notes,
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "owner", type: "relation", collectionId: "_pb_users_auth_", maxSelect: 1 },
      ],
      listRule: "owner = @request.auth.id",
      viewRule: "owner = @request.auth.id",
    } as never);
    const t = notes
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0]?.toUpperCase() + w.slice(1))
      .join("");
    field = t[0]?.toLowerCase() + t.slice(1);
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await server?.close();
  });

  it("gives each subscriber only the events its rules allow", async () => {
    const alice = await signedInUser(() => server.client());
    const bob = await signedInUser(() => server.client());
    const query = `subscription { ${field} { action record { title owner } } }`;
    const forAlice = subscribe(wsClient(alice.pb.authStore.token), query);
    const forBob = subscribe(wsClient(bob.pb.authStore.token), query);
    const forGuest = subscribe(wsClient(), query);
    // A subscription is live once the hub holds it: give the sockets a moment to subscribe.
    await until(() => server.app.services.realtime.subscriptionCount() >= 3);

    const mine = await su.collection(notes).create({ title: "for alice", owner: alice.id });
    await su.collection(notes).create({ title: "for bob", owner: bob.id });
    await su.collection(notes).update(mine.id, { title: "for alice, edited" });

    await until(() => forAlice.events.length >= 2 && forBob.events.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(forAlice.events).toEqual([
      { action: "create", record: { title: "for alice", owner: alice.id } },
      { action: "update", record: { title: "for alice, edited", owner: alice.id } },
    ]);
    expect(forBob.events).toEqual([{ action: "create", record: { title: "for bob", owner: bob.id } }]);
    expect(forGuest.events).toEqual([]);
    expect([...forAlice.errors, ...forBob.errors, ...forGuest.errors]).toEqual([]);
  });

  it("delivers the events of GraphQL mutations too (same writer, same outbox)", async () => {
    const alice = await signedInUser(() => server.client());
    const before = server.app.services.realtime.subscriptionCount();
    const forAlice = subscribe(
      wsClient(alice.pb.authStore.token),
      `subscription { ${field} { action record { title } } }`,
    );
    await until(() => server.app.services.realtime.subscriptionCount() > before);
    const create = `create${field[0]?.toUpperCase()}${field.slice(1)}`;
    const res = await fetch(`${server.url}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: su.authStore.token },
      body: JSON.stringify({
        query: `mutation($owner: String!) { ${create}(data: { title: "over graphql", owner: $owner }) { id } }`,
        variables: { owner: alice.id },
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    await until(() => forAlice.events.length >= 1);
    expect(forAlice.events).toEqual([{ action: "create", record: { title: "over graphql" } }]);
  });

  it("refuses documents past the bounds and operations that are not subscriptions", async () => {
    const client = wsClient();
    const deep = subscribe(
      client,
      `subscription { ${field} { ${"record { ".repeat(20)} id ${"} ".repeat(20)} } }`,
    );
    const query = subscribe(client, `query { ${field} { totalItems } }`);
    await until(() => deep.errors.length > 0 && query.errors.length > 0);
    expect(JSON.stringify(deep.errors)).toMatch(/nested deeper than 12 levels/);
    expect(JSON.stringify(query.errors)).toMatch(/Only subscriptions/);
  });
});
