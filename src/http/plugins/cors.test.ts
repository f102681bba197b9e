import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raw } from "../../test-support/api.js";
import { startServer, type TestServer } from "../../test-support/server.js";

describe("CORS: browser apps on other origins", () => {
  let open: TestServer;
  let restricted: TestServer;

  beforeAll(async () => {
    open = await startServer("sqlite");
    restricted = await startServer("sqlite", { origins: "https://shop.example.com, http://localhost:5173" });
  });
  afterAll(async () => {
    await open?.close();
    await restricted?.close();
  });

  const preflight = (server: TestServer, origin: string) =>
    raw(server.url, "/api/collections/users/auth-with-password", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
      },
    });

  it("answers preflights from any origin by default, as PocketBase does", async () => {
    const res = await preflight(open, "http://localhost:5173");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toContain("PATCH");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const get = await raw(open.url, "/api/health", { headers: { origin: "http://localhost:5173" } });
    expect(get.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("allows only the configured origins when --origins is set", async () => {
    const allowed = await preflight(restricted, "https://shop.example.com");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://shop.example.com");
    const other = await preflight(restricted, "https://evil.example.net");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const get = await raw(restricted.url, "/api/health", { headers: { origin: "https://evil.example.net" } });
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("adds the header to error responses too, so the browser can read the API's error", async () => {
    const res = await raw(open.url, "/api/collections/nope/records", {
      headers: { origin: "http://localhost:5173" },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});
