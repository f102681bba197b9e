/**
 * GraphQL is loaded on first use (idle memory, issue #22): a fresh server has neither graphql nor
 * Mercurius in memory until a request reaches `/api/graphql` or `/api/graphql/ws`, and that first
 * request is answered as every later one. This file imports nothing of GraphQL itself.
 */

import { createRequire } from "node:module";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startServer, type TestServer } from "../../test-support/server.js";

const loaded = createRequire(import.meta.url).cache;
const graphqlLoaded = () =>
  Object.keys(loaded).some((path) => /[/\\]node_modules[/\\](graphql|mercurius|graphql-ws)[/\\]/.test(path));

/** The frames a graphql-ws socket sends back for one subscribe, up to its error or first event. */
function subscribeOnce(url: string, query: string): Promise<{ type: string; payload?: unknown }[]> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}/api/graphql/ws`, "graphql-transport-ws");
    const frames: { type: string; payload?: unknown }[] = [];
    const timer = setTimeout(() => reject(new Error(`no answer: ${JSON.stringify(frames)}`)), 5000);
    socket.on("open", () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
    });
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data));
      frames.push(frame);
      if (frame.type === "connection_ack")
        socket.send(JSON.stringify({ type: "subscribe", id: "1", payload: { query } }));
      if (frame.type === "error" || frame.type === "next") {
        clearTimeout(timer);
        socket.close();
        resolve(frames);
      }
    });
    socket.on("error", reject);
    socket.on("close", (code, reason) => frames.push({ type: `close ${code} ${reason}` }));
  });
}

describe("GraphQL loads on first use", () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it("is not loaded by a fresh server, and answers its first query", async () => {
    const server = await startServer("sqlite");
    servers.push(server);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect(graphqlLoaded()).toBe(false);

    const res = await fetch(`${server.url}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: "Query" } });
    expect(graphqlLoaded()).toBe(true);

    // Later requests of every kind keep GraphQL's answers: GET, a syntax error, a batch.
    const get = await fetch(`${server.url}/api/graphql?query=${encodeURIComponent("{ __typename }")}`);
    expect(await get.json()).toEqual({ data: { __typename: "Query" } });
    const bad = await fetch(`${server.url}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/graphql" },
      body: "{ nope",
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { message: string }[] }).errors[0]?.message).toMatch(
      /Syntax Error/,
    );
    const batch = await fetch(`${server.url}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ query: "{ __typename }" }, { query: "{ a: __typename }" }]),
    });
    expect(await batch.json()).toEqual([{ data: { __typename: "Query" } }, { data: { a: "Query" } }]);
  });

  it("keeps GET's rules: variables as JSON text, no mutations", async () => {
    const server = servers[0] as TestServer;
    const get = (params: Record<string, string>) =>
      fetch(`${server.url}/api/graphql?${new URLSearchParams(params)}`);
    const typed = await get({
      query: "query Q($b: Boolean!) { __typename @include(if: $b) }",
      variables: '{"b":true}',
    });
    expect(typed.status).toBe(200);
    expect(await typed.json()).toEqual({ data: { __typename: "Query" } });
    expect(
      (await get({ query: "query Q($b: Boolean!) { __typename @include(if: $b) }", variables: "{b:true" }))
        .status,
    ).toBe(400);
    expect(
      (await get({ query: "query Q($b: Boolean!) { __typename @include(if: $b) }", variables: '{"b":"x"}' }))
        .status,
    ).toBe(400);
    const mutation = await get({ query: 'mutation { deleteUsers(id: "nope") }' });
    expect(mutation.status).toBe(405);
    expect(((await mutation.json()) as { errors: { message: string }[] }).errors[0]?.message).toMatch(/GET/);
  });

  it("answers a subscription on a fresh server whose first GraphQL contact is the socket", async () => {
    const server = await startServer("sqlite");
    servers.push(server);
    const frames = await subscribeOnce(server.url, "subscription { nope }");
    expect(frames[0]).toEqual({ type: "connection_ack" });
    expect(frames[1]).toMatchObject({ type: "error", id: "1" });
    expect(JSON.stringify(frames[1]?.payload)).toMatch(/nope/);
  });

  it("formats a refusal of its very first request as GraphQL's error shape", async () => {
    const server = await startServer("sqlite");
    servers.push(server);
    const res = await fetch(`${server.url}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { data: unknown; errors: unknown[] };
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
  });
});
