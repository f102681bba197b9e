/**
 * Hostile GraphQL (issue #20 point 4): deep nesting, alias floods, huge pages, huge batches,
 * broken and oversized bodies are refused before they run, with GraphQL-shaped errors that carry
 * no stack; introspection, the allow-list and per-operation rate limits follow `settings.graphql`
 * and `settings.rateLimits`. Real server, both stores.
 */

import { createHash } from "node:crypto";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raw, signedInUser, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

interface GraphqlAnswer {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe.each(await storesUnderTest())("GraphQL limits (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let user: Awaited<ReturnType<typeof signedInUser>>;
  let things: string;
  /** `things_ab12` → its list field, `thingsAb12`. */
  let list: string;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    things = uniqueName("things");
    await su.collections.create({
      name: things,
      type: "base",
      fields: [{ name: "label", type: "text" }],
      listRule: "",
      viewRule: "",
      createRule: "",
    } as never);
    await su.collection(things).create({ label: "one" });
    user = await signedInUser(() => server.client());
    const base = things
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0]?.toUpperCase() + w.slice(1))
      .join("");
    list = base[0]?.toLowerCase() + base.slice(1);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function post(body: unknown, token?: string) {
    const res = await raw(server.url, "/api/graphql", { method: "POST", body, ...(token ? { token } : {}) });
    // Whatever the refusal, nothing of the server's insides.
    expect(res.text).not.toMatch(/\bat \/|node_modules|\.js:\d+|\.ts:\d+|stack/i);
    return { status: res.status, body: res.body as GraphqlAnswer };
  }

  /** A refusal in GraphQL's shape: `{data: null, errors: [{message}]}` and the HTTP status. */
  function expectRefused(res: { status: number; body: GraphqlAnswer }, status: number, message: RegExp) {
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(status);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.[0]?.message).toMatch(message);
  }

  it("refuses a query nested 50 deep before validating it", async () => {
    const deep = `{ ${list} { items { ${"expand { x { ".repeat(25)} id ${"} } ".repeat(25)} } } }`;
    expectRefused(await post({ query: deep }), 400, /nested deeper than 12 levels/);
  });

  it("refuses 1,000 aliases (the alias-DoS class)", async () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: ${list} { totalItems }`).join(" ");
    expectRefused(await post({ query: `{ ${aliases} }` }), 400, /more than 30 aliases/);
  });

  it("refuses a document whose cost passes maxCost", async () => {
    const fields = Array.from({ length: 200 }, () => "__typename").join(" ");
    const costly = `{ ${Array.from({ length: 20 }, (_, i) => `f${i}: ${list} { items { ${fields} } }`)
      .slice(0, 10)
      .join(" ")} }`;
    await su.settings.update({ graphql: { maxAliases: 100 } });
    try {
      expectRefused(await post({ query: costly }), 400, /costs more than 2000/);
    } finally {
      await su.settings.update({ graphql: { maxAliases: 30 } });
    }
  });

  it("refuses perPage 100000 (REST's maximum is 1000)", async () => {
    const res = await post({ query: `{ ${list}(perPage: 100000) { items { id } } }` });
    expectRefused(res, 400, /^perPage may be at most 1000\.$/);
    expect(res.body.errors?.[0]?.extensions).toEqual({ status: 400 });
  });

  it("refuses a batch of 500 operations, and runs a small one", async () => {
    const op = { query: `{ ${list} { totalItems } }` };
    expectRefused(await post(Array.from({ length: 500 }, () => op)), 400, /at most 10 operations/);
    const small = await post([op, op]);
    expect(small.status).toBe(200);
    expect(small.body).toEqual([
      { data: { [list]: { totalItems: 1 } } },
      { data: { [list]: { totalItems: 1 } } },
    ]);
  });

  it("answers malformed JSON, a missing query and an oversized body with 4xx errors", async () => {
    const broken = await post('{"query": "{ x }"');
    expect(broken.status).toBe(400);
    expect(broken.body.errors?.[0]?.message).toBeTruthy();
    const syntax = await post({ query: "{ unclosed" });
    expectRefused(syntax, 400, /Syntax Error/);
    const huge = await post({
      query: `{ ${list} { totalItems } }`,
      variables: { pad: "x".repeat(2 * 1024 * 1024) },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.errors?.[0]?.message).toBeTruthy();
  });

  it("keeps introspection from guests by default, and follows the setting", async () => {
    const introspect = { query: "{ __schema { queryType { name } } }" };
    expectRefused(await post(introspect), 403, /Introspection is not allowed/);
    const asUser = await post(introspect, user.pb.authStore.token);
    expect(asUser.body).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
    await su.settings.update({ graphql: { introspection: "superusers" } });
    try {
      expectRefused(await post(introspect, user.pb.authStore.token), 403, /Introspection/);
      expect((await post(introspect, su.authStore.token)).status).toBe(200);
    } finally {
      await su.settings.update({ graphql: { introspection: "users" } });
    }
    // __typename is no introspection.
    expect((await post({ query: "{ __typename }" })).body).toEqual({ data: { __typename: "Query" } });
  });

  it("runs only allow-listed queries for non-superusers when a list is set", async () => {
    const allowed = `{ ${list} { totalItems } }`;
    const hash = createHash("sha256").update(allowed).digest("hex");
    await su.settings.update({ graphql: { allowedQueries: [hash] } });
    try {
      expect((await post({ query: allowed })).status).toBe(200);
      expectRefused(await post({ query: `{ ${list} { items { id } } }` }), 403, /allowed queries/);
      expect((await post({ query: `{ ${list} { items { id } } }` }, su.authStore.token)).status).toBe(200);
    } finally {
      await su.settings.update({ graphql: { allowedQueries: [] } });
    }
  });

  it("applies rate limits per operation: graphql:<name> and the collection's action labels", async () => {
    const settings = await su.settings.getAll();
    const rules = [
      { label: "graphql:countThings", maxRequests: 2, duration: 60, audience: "" },
      { label: `${things}:create`, maxRequests: 1, duration: 60, audience: "" },
    ];
    await su.settings.update({ rateLimits: { enabled: true, rules } });
    try {
      const named = { query: `query countThings { ${list} { totalItems } }`, operationName: "countThings" };
      expect((await post(named)).status).toBe(200);
      expect((await post(named)).status).toBe(200);
      expectRefused(await post(named), 429, /Too Many Requests/);
      // Each operation of a batch counts, and is refused on its own.
      const batch = await post([named, named]);
      expect(batch.body).toEqual([
        { data: null, errors: [{ message: "Too Many Requests.", extensions: { status: 429 } }] },
        { data: null, errors: [{ message: "Too Many Requests.", extensions: { status: 429 } }] },
      ]);
      const create = {
        query: `mutation { create${list[0]?.toUpperCase()}${list.slice(1)}(data: { label: "x" }) { id } }`,
      };
      expect((await post(create)).status).toBe(200);
      expectRefused(await post(create), 429, /Too Many Requests/);
    } finally {
      await su.settings.update({ rateLimits: settings.rateLimits });
    }
  });

  it("answers 404 when GraphQL is turned off", async () => {
    await su.settings.update({ graphql: { enabled: false } });
    try {
      expectRefused(await post({ query: "{ __typename }" }), 404, /turned off/);
    } finally {
      await su.settings.update({ graphql: { enabled: true } });
    }
  });
});
