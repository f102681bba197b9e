import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemMigrations } from "../store/migrations/system-migrations.js";
import type { AnyDatabase } from "../store/store.js";
import { expectRawError, raw } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { Readiness } from "./readiness.js";

describe.each(await storesUnderTest())("readiness: GET /api/health?ready=1 (%s)", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers 200 when the store, the migrations and the outbox dispatcher are fine; /api/health stays as it was", async () => {
    const ready = await raw(server.url, "/api/health?ready=1");
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ code: 200, message: "API is ready.", data: {} });
    expect(ready.headers.get("cache-control")).toBe("no-store");
    const health = await raw(server.url, "/api/health");
    expect(health.body).toEqual({ code: 200, message: "API is healthy.", data: {} });
  });

  it("names a system migration the database lacks (503, the API's error shape)", async () => {
    const db = server.app.services.store.db;
    const newest = systemMigrations[systemMigrations.length - 1]?.name ?? "";
    const [row] = await db.selectFrom("_migrations").selectAll().where("file", "=", newest).execute();
    expect(row).toBeDefined();
    await db.deleteFrom("_migrations").where("file", "=", String(row?.file)).execute();
    try {
      const res = await raw(server.url, "/api/health?ready=1");
      expectRawError(res, 503);
      const data = (res.body as { data: Record<string, { code: string; message: string }> }).data;
      expect(Object.keys(data)).toEqual(["migrations"]);
      expect(data.migrations?.message).toContain(String(row?.file));
    } finally {
      await db
        .insertInto("_migrations")
        .values(row as Record<string, unknown>)
        .execute();
    }
    expect((await raw(server.url, "/api/health?ready=1")).status).toBe(200);
  });

  it("names a stopped outbox dispatcher, and draining", async () => {
    const { events, readiness } = server.app.services;
    await events.stop();
    try {
      const res = await raw(server.url, "/api/health?ready=1");
      expectRawError(res, 503);
      expect(Object.keys((res.body as { data: object }).data)).toEqual(["outbox"]);
    } finally {
      await events.start();
    }
    expect((await raw(server.url, "/api/health?ready=1")).status).toBe(200);
    readiness.startDrain();
    const res = await raw(server.url, "/api/health?ready=1");
    expectRawError(res, 503);
    expect(Object.keys((res.body as { data: object }).data)).toEqual(["draining"]);
    expect((await raw(server.url, "/api/health")).status).toBe(200);
  });
});

describe("readiness of a node whose database doesn't answer", () => {
  it("names the database (and the outbox), within the check's time bound", async () => {
    // A pool aimed at a port nothing listens on: every connection attempt is refused.
    const db = new Kysely<AnyDatabase>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({
          connectionString: "postgres://postgres@127.0.0.1:1/none",
          connectionTimeoutMillis: 500,
        }),
      }),
    });
    try {
      const readiness = new Readiness({ db, sinceOutboxRead: () => 60_000 });
      const started = Date.now();
      const failed = await readiness.check();
      expect(Date.now() - started).toBeLessThan(2500);
      expect(Object.keys(failed).sort()).toEqual(["database", "outbox"]);
      expect(failed.database?.code).toBe("unavailable");
    } finally {
      await db.destroy();
    }
  });
});
