/**
 * Libraries only some installations use are loaded on first use (idle memory, issue #22): a fresh
 * server holds neither the YAML library nor web-push until a request needs one, and that request
 * is answered as before. (GraphQL's own case: routes/graphql-lazy.test.ts.)
 */

import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../test-support/server.js";

const cache = createRequire(import.meta.url).cache;
const loaded = (pkg: string) => Object.keys(cache).some((path) => path.includes(`/node_modules/${pkg}/`));

describe("libraries loaded on first use", () => {
  let server: TestServer;
  let headers: Record<string, string>;
  beforeAll(async () => {
    server = await startServer("sqlite");
    headers = { authorization: (await server.superuserClient()).authStore.token };
  });
  afterAll(async () => server?.close());

  it("a fresh server holds neither yaml nor web-push", async () => {
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/openapi.json`, { headers })).status).toBe(200);
    expect(loaded("yaml")).toBe(false);
    expect(loaded("web-push")).toBe(false);
  });

  it("the first YAML document loads yaml and is YAML", async () => {
    const res = await fetch(`${server.url}/api/openapi.yaml`, { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/yaml/);
    expect(await res.text()).toMatch(/^openapi: 3\.1\.\d+$/m);
    expect(loaded("yaml")).toBe(true);
  });

  it("the first VAPID key loads web-push and is a P-256 public key", async () => {
    const res = await fetch(`${server.url}/api/push/vapid-public-key`);
    expect(res.status).toBe(200);
    const { publicKey } = (await res.json()) as { publicKey: string };
    // An uncompressed P-256 point, base64url: 65 bytes.
    expect(Buffer.from(publicKey, "base64url")).toHaveLength(65);
    expect(loaded("web-push")).toBe(true);
  });
});
