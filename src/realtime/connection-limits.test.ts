import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raw } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { RawSse } from "./test-support/raw-sse.js";

describe.each(await storesUnderTest())("realtime connection limits (%s)", (kind) => {
  let server: TestServer;
  const streams: RawSse[] = [];

  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await server?.close();
  });

  async function open() {
    const sse = await RawSse.open(server.url);
    streams.push(sse);
    return sse;
  }

  it("closes a connection that stays without subscriptions for the idle timeout", async () => {
    const hub = server.app.services.realtime;
    const saved = hub.options.idleTimeoutMs;
    hub.options.idleTimeoutMs = 150;
    try {
      const idle = await open();
      const busy = await open();
      await raw(server.url, "/api/realtime", {
        method: "POST",
        body: { clientId: busy.clientId, subscriptions: ["anything/*"] },
      });
      await idle.until(() => idle.closed, 3000);
      expect(busy.closed).toBe(false);
      // Dropping every subscription starts the clock again.
      await raw(server.url, "/api/realtime", { method: "POST", body: { clientId: busy.clientId } });
      await busy.until(() => busy.closed, 3000);
    } finally {
      hub.options.idleTimeoutMs = saved;
    }
  });

  it("closes any connection after the maximum connection time", async () => {
    const hub = server.app.services.realtime;
    const saved = hub.options.maxConnectionMs;
    hub.options.maxConnectionMs = 200;
    try {
      const sse = await open();
      await raw(server.url, "/api/realtime", {
        method: "POST",
        body: { clientId: sse.clientId, subscriptions: ["anything/*"] },
      });
      await sse.until(() => sse.closed, 3000);
    } finally {
      hub.options.maxConnectionMs = saved;
    }
  });

  it("refuses malformed subscription requests", async () => {
    const sse = await open();
    const post = (body: unknown) => raw(server.url, "/api/realtime", { method: "POST", body });
    expect((await post({})).status).toBe(400);
    expect((await post({ clientId: sse.clientId, subscriptions: [1] })).status).toBe(400);
    expect((await post({ clientId: sse.clientId, subscriptions: ["a/*\nevent:forged"] })).status).toBe(400);
    expect((await post({ clientId: sse.clientId, subscriptions: ["a/*?options=%7Bnot-json"] })).status).toBe(
      400,
    );
    const badFilter = `a/*?options=${encodeURIComponent(JSON.stringify({ query: { filter: "title ==" } }))}`;
    expect((await post({ clientId: sse.clientId, subscriptions: [badFilter] })).status).toBe(400);
    expect((await post({ clientId: sse.clientId, subscriptions: ["a/*"] })).status).toBe(204);
  });
});
