import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRawError, raw, signedInUser } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

describe.each(await storesUnderTest())("health and fallbacks (%s)", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("GET /api/health answers 200 {code, message, data:{}}", async () => {
    const res = await raw(server.url, "/api/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = res.body as Record<string, unknown>;
    expect(body.code).toBe(200);
    expect(typeof body.message).toBe("string");
    expect(body.data).toEqual({});
  });

  it("a superuser also gets PocketBase's canBackup, realIP and possibleProxyHeader; others and bad tokens do not", async () => {
    const su = await server.superuserClient();
    const details = await su.health.check({ headers: { "CF-Connecting-IP": "203.0.113.9" } });
    expect(details.data).toEqual({
      canBackup: true,
      realIP: "127.0.0.1",
      possibleProxyHeader: "cf-connecting-ip",
    });
    expect((await su.health.check()).data).toMatchObject({ canBackup: true, possibleProxyHeader: "" });
    const user = await signedInUser(() => server.client());
    expect((await user.pb.health.check()).data).toEqual({});
    const forged = await raw(server.url, "/api/health", { headers: { authorization: "not.a.token" } });
    expect(forged.status).toBe(200);
    expect((forged.body as { data: unknown }).data).toEqual({});
  });

  it("the SDK's health.check() works", async () => {
    const pb = server.client();
    const result = await pb.health.check();
    expect(result.code).toBe(200);
  });

  it("HEAD /api/health answers 200 without a body", async () => {
    const res = await fetch(new URL("/api/health", server.url), { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("every response carries an x-request-id, echoing the one sent", async () => {
    const res = await fetch(new URL("/api/health", server.url), { headers: { "x-request-id": "trace-123" } });
    expect(res.headers.get("x-request-id")).toBe("trace-123");
    const other = await fetch(new URL("/api/health", server.url));
    expect(other.headers.get("x-request-id")).toMatch(/.+/);
  });

  it.each([
    ["GET", "/api/nope"],
    ["GET", "/nope"],
    ["POST", "/api/health/extra"],
    ["DELETE", "/api/health"],
    ["GET", "/api/collections/x/records/y/z"],
  ])("%s %s → 404 in the error shape", async (method, path) => {
    const res = await raw(server.url, path, { method });
    expectRawError(res, 404);
    expect((res.body as { data: unknown }).data).toEqual({});
  });

  it("/_/ serves an HTML page", async () => {
    const res = await fetch(new URL("/_/", server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<html/i);
    expect(html).toContain("Backroom");
  });

  it("/_ (no trailing slash) reaches the same page, directly or by redirect", async () => {
    const manual = await fetch(new URL("/_", server.url), { redirect: "manual" });
    if (manual.status !== 200) {
      expect([301, 302, 303, 307, 308]).toContain(manual.status);
      expect(manual.headers.get("location")).toBe("/_/");
    }
    const res = await fetch(new URL("/_", server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("Backroom");
  });
});
