import { sql } from "kysely";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nowDate, randomId } from "../../ids.js";
import type { Dashboard } from "../../logs/log-dashboard.js";
import { expectRawError, raw, signedInUser, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const RECORDS_ROUTE = "/api/collections/:collection/records";

describe.each(await storesUnderTest())("GET /api/logs/dashboard (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  const orders = uniqueName("orders");
  const slow = `/api/slow_${orders}`;
  const filter = `data.collection = "${orders}" || data.route = "${slow}"`;

  /** A request log entry as the server writes it, at `at`. */
  const insert = async (at: Date, route: string, collection: string, status: number, execTime: number) => {
    const data = {
      type: "request",
      method: "GET",
      url: route,
      status,
      execTime,
      remoteIP: "127.0.0.1",
      userIP: "127.0.0.1",
      referer: "",
      userAgent: "",
      auth: "guest",
      authId: "",
      route,
      collection,
    };
    const created = nowDate(at);
    await sql`INSERT INTO _logs (id, created, updated, level, message, data)
      VALUES (${randomId()}, ${created}, ${created}, 0, ${`GET ${route}`}, ${JSON.stringify(data)})`.execute(
      server.app.services.store.db,
    );
  };

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    // In one minute: 100 record reads taking 1..100 ms (7 answered 404, 3 answered 500), one slow
    // route at 500 ms; two hours earlier one more read (inside the day, outside the hour).
    const at = new Date(Date.now() - 30_000);
    at.setUTCSeconds(at.getUTCSeconds() < 30 ? 15 : 45);
    for (let t = 1; t <= 100; t++)
      await insert(at, RECORDS_ROUTE, orders, t <= 7 ? 404 : t <= 10 ? 500 : 200, t);
    await insert(at, slow, "", 200, 500);
    await insert(new Date(Date.now() - 2 * 3600_000), RECORDS_ROUTE, orders, 200, 3);
  });
  afterAll(() => server?.close());

  const dashboard = async (period: string) => {
    const res = await raw(server.url, `/api/logs/dashboard?${new URLSearchParams({ period, filter })}`, {
      token: su.authStore.token,
    });
    expect(res.status, res.text).toBe(200);
    return res.body as Dashboard & { realtime: { connections: number } };
  };

  it("sums the last hour by minute: requests, 4xx/5xx, latency p50/p95/p99 (nearest rank)", async () => {
    const d = await dashboard("hour");
    expect(d.bucketSeconds).toBe(60);
    expect(d.series).toHaveLength(1);
    expect(d.series[0]).toMatchObject({
      requests: 101,
      clientErrors: 7,
      serverErrors: 3,
      p50: 51,
      p95: 96,
      p99: 100,
    });
    expect(d.series[0]?.date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:00\.000Z$/);
    expect(d.statuses).toEqual([
      { status: 200, requests: 91 },
      { status: 404, requests: 7 },
      { status: 500, requests: 3 },
    ]);
  });

  it("names the slowest route templates and the busiest collections", async () => {
    const d = await dashboard("hour");
    expect(d.slowestRoutes).toEqual([
      { method: "GET", route: slow, requests: 1, errors: 0, p95: 500 },
      { method: "GET", route: RECORDS_ROUTE, requests: 100, errors: 10, p95: 95 },
    ]);
    expect(d.collections).toEqual([{ collection: orders, requests: 100, errors: 10, p95: 95 }]);
  });

  it("over a day, by hour, the older entry counts too; jobs, webhooks and realtime come along", async () => {
    const d = await dashboard("day");
    expect(d.bucketSeconds).toBe(3600);
    expect(d.series.reduce((sum, p) => sum + p.requests, 0)).toBe(102);
    expect(d.series.length).toBeGreaterThanOrEqual(2);
    expect(d.jobs).toEqual({
      pending: expect.any(Number),
      running: expect.any(Number),
      failed: expect.any(Number),
      dead: expect.any(Number),
    });
    expect(d.webhooks).toEqual({ failed: 0, succeeded: 0 });
    expect(d.realtime.connections).toBe(0);
  });

  it("logs the route template and collection of real requests", async () => {
    const name = uniqueName("notes");
    await su.collections.create({ name, type: "base", fields: [{ name: "t", type: "text" }], listRule: "" });
    await server.client().collection(name).getList(1, 5);
    const deadline = Date.now() + 5000;
    for (;;) {
      const res = await raw(
        server.url,
        `/api/logs?${new URLSearchParams({ filter: `data.collection = "${name}"` })}`,
        { token: su.authStore.token },
      );
      const items = (res.body as { items: { data: Record<string, unknown> }[] }).items;
      if (items.length > 0) {
        expect(items[0]?.data).toMatchObject({ route: RECORDS_ROUTE, collection: name, method: "GET" });
        break;
      }
      if (Date.now() > deadline) throw new Error("the request's log entry did not arrive");
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  it("refuses an unknown period with a 400, and anyone but a superuser", async () => {
    const bad = await raw(server.url, "/api/logs/dashboard?period=year", { token: su.authStore.token });
    expectRawError(bad, 400);
    expect((bad.body as { data: Record<string, unknown> }).data.period).toBeDefined();
    expectRawError(await raw(server.url, "/api/logs/dashboard"), 401);
    const user = await signedInUser(() => server.client());
    expect([401, 403]).toContain(
      (await raw(server.url, "/api/logs/dashboard", { token: user.pb.authStore.token })).status,
    );
  });
});
