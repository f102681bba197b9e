import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";
import { expectRawError, raw, signedInUser, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

interface LogItem {
  id: string;
  created: string;
  updated: string;
  level: number;
  message: string;
  data: Record<string, unknown>;
}
interface LogPage {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: LogItem[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(await storesUnderTest())("request logs (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let token: string;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    token = su.authStore.token;
  });
  afterAll(async () => {
    await server?.close();
  });

  const logs = (query: Record<string, unknown>) =>
    raw(server.url, `/api/logs?${new URLSearchParams(query as Record<string, string>)}`, { token });
  /** Entries whose URL holds `marker`, leaving out the log queries that look for them. */
  const entriesFor = async (marker: string, extra = "", sort = "") => {
    const filter = `data.url ~ "${marker}" && data.url !~ "/api/logs"${extra ? ` && (${extra})` : ""}`;
    const res = await logs({ filter, perPage: "100", ...(sort ? { sort } : {}) });
    expect(res.status, res.text).toBe(200);
    return (res.body as LogPage).items;
  };
  /** Entries are written in batches about once a second: wait (bounded) until `count` are there. */
  const waitFor = async (marker: string, count: number, extra = "") => {
    const deadline = Date.now() + 4000;
    for (;;) {
      const items = await entriesFor(marker, extra);
      if (items.length >= count || Date.now() > deadline) return items;
      await sleep(150);
    }
  };

  it("logs API requests within about a second, with PocketBase's request data", async () => {
    const marker = uniqueName("seen");
    const started = Date.now();
    await raw(server.url, `/api/collections/${marker}/records`, {
      token,
      headers: { "user-agent": "logs-test/1.0", referer: "http://example.test/page" },
    });
    const guest = await raw(server.url, `/api/collections/${marker}/records?from=guest`);
    expect(guest.status).toBe(404);
    const items = await waitFor(marker, 2);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(items).toHaveLength(2);
    const asSuperuser = items.find((i) => i.data.auth === "_superusers");
    const asGuest = items.find((i) => i.data.auth === "guest");
    expect(asSuperuser?.data).toMatchObject({
      type: "request",
      method: "GET",
      url: `/api/collections/${marker}/records`,
      status: 404,
      userAgent: "logs-test/1.0",
      referer: "http://example.test/page",
      remoteIP: "127.0.0.1",
      userIP: "127.0.0.1",
      // logAuthId is off by default (as in PocketBase).
      authId: "",
    });
    expect(typeof asSuperuser?.data.execTime).toBe("number");
    expect(asSuperuser?.level).toBe(4);
    expect(asSuperuser?.message).toBe(`GET /api/collections/${marker}/records`);
    expect(asGuest?.data.url).toBe(`/api/collections/${marker}/records?from=guest`);
    expect(asSuperuser?.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);

    const one = await raw(server.url, `/api/logs/${asGuest?.id}`, { token });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(asGuest);
    expectRawError(await raw(server.url, "/api/logs/nosuchlogentry1", { token }), 404);
  });

  it("leaves out /api/health and the admin UI's files", async () => {
    const marker = uniqueName("health");
    await raw(server.url, `/api/health?m=${marker}`);
    await raw(server.url, `/_/?m=${marker}`);
    await raw(server.url, `/api/collections/${marker}/records`);
    const items = await waitFor(marker, 1);
    await sleep(1200);
    expect((await entriesFor(marker)).map((i) => i.data.url)).toEqual([`/api/collections/${marker}/records`]);
    expect(items).toHaveLength(1);
  });

  it("filters with the rules language and sorts (data.*, created, message, level)", async () => {
    const marker = uniqueName("filt");
    const name = uniqueName("logged");
    await su.collections.create({ name, type: "base", listRule: "", createRule: "", fields: [] });
    await raw(server.url, `/api/collections/${name}/records?m=${marker}`, { method: "POST", body: {} });
    await raw(server.url, `/api/collections/${name}/records?m=${marker}`);
    await raw(server.url, `/api/collections/${marker}/records`);
    await waitFor(marker, 3);

    const statuses = async (extra: string, sort = "") =>
      (await entriesFor(marker, extra, sort)).map((i) => i.data.status);
    expect(await statuses("data.status >= 400")).toEqual([404]);
    expect(await statuses('data.method = "POST"')).toEqual([200]);
    expect(await statuses("level > 0")).toEqual([404]);
    expect(await statuses(`message ~ "${name}"`, "data.method")).toHaveLength(2);
    expect((await entriesFor(marker, 'created > "2020-01-01"')).length).toBe(3);
    expect(await statuses('created > "2999-01-01"')).toEqual([]);
    expect(await statuses("", "data.status")).toEqual([200, 200, 404]);
    expect(await statuses("", "-data.status")).toEqual([404, 200, 200]);
    const byMethod = (await entriesFor(marker, "", "-data.method,created")).map((i) => i.data.method);
    expect(byMethod).toEqual(["POST", "GET", "GET"]);
    // The default order: newest first.
    const created = (await entriesFor(marker)).map((i) => i.created);
    expect(created).toEqual([...created].sort().reverse());
  });

  it("counts entries per hour", async () => {
    const marker = uniqueName("stats");
    await raw(server.url, `/api/collections/${marker}/records`);
    await raw(server.url, `/api/collections/${marker}/records`);
    await waitFor(marker, 2);
    const filter = `data.url ~ "${marker}" && data.url !~ "/api/logs"`;
    const res = await raw(server.url, `/api/logs/stats?${new URLSearchParams({ filter })}`, { token });
    expect(res.status, res.text).toBe(200);
    const stats = res.body as { total: number; date: string }[];
    expect(stats.reduce((n, s) => n + s.total, 0)).toBe(2);
    for (const s of stats) expect(s.date).toMatch(/^\d{4}-\d\d-\d\d \d\d:00:00\.000Z$/);
    const all = (await raw(server.url, "/api/logs/stats", { token })).body as { total: number }[];
    expect(all.reduce((n, s) => n + s.total, 0)).toBeGreaterThan(2);
  });

  it("answers only superusers: guests 401, users and API keys 403", async () => {
    for (const path of ["/api/logs", "/api/logs/stats", "/api/logs/abc"])
      expectRawError(await raw(server.url, path), 401);
    const user = await signedInUser(() => server.client());
    for (const path of ["/api/logs", "/api/logs/stats", "/api/logs/abc"])
      expectRawError(await raw(server.url, path, { token: user.pb.authStore.token }), 403);
    const { key } = await su.send<{ key: string }>("/api/keys", {
      method: "POST",
      body: { name: "logs", scopes: [{ collection: "users", operations: ["list"] }] },
    });
    expectRawError(await raw(server.url, "/api/logs", { token: key }), 403);
  });

  it("refuses bad and hostile filters and sorts with 400s", async () => {
    const bad = [
      "data.status >=",
      "nofield = 1",
      '@collection._superusers.email != ""',
      '@collection.users.email ~ "a"',
      "data.status >= 400 ||",
      `${"(".repeat(500)}id = 1${")".repeat(500)}`,
      "id ~ 'x' && ".repeat(300).concat("id = 1"),
      'id = "\'; DROP TABLE _logs; --" ||| 1',
      "x".repeat(4000),
    ];
    for (const filter of bad) {
      expectRawError(await logs({ filter }), 400);
      expectRawError(
        await raw(server.url, `/api/logs/stats?${new URLSearchParams({ filter })}`, { token }),
        400,
      );
    }
    for (const sort of ["nofield", "@collection.users.email", "data.status;DROP", "-"])
      expectRawError(await logs({ sort }), 400);
    expectRawError(await logs({ perPage: "-1" }), 400);
    // Injection attempts in values are only values.
    const res = await logs({ filter: `message = "x' OR 1=1 --"` });
    expect(res.status).toBe(200);
    expect((res.body as LogPage).items).toEqual([]);
  });

  it("never stores token query values or the Authorization header", async () => {
    const marker = uniqueName("secret");
    const fileToken = `filetoken${marker}`;
    await raw(server.url, `/api/files/${marker}/rec/f.png?thumb=10x10&token=${fileToken}`, { token });
    await raw(server.url, `/api/collections/${marker}/records?accessToken=${fileToken}x&a=1`, { token });
    const items = await waitFor(marker, 2);
    expect(items).toHaveLength(2);
    const rows = await server.app.services.store.db.selectFrom("_logs").selectAll().execute();
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(fileToken);
    expect(stored).not.toContain(token);
    expect(items.map((i) => i.data.url).sort()).toEqual([
      `/api/collections/${marker}/records?accessToken=REDACTED&a=1`,
      `/api/files/${marker}/rec/f.png?thumb=10x10&token=REDACTED`,
    ]);
  });

  it("logIP=false stores no IP; maxDays=0 stops logging; minLevel drops quieter entries", async () => {
    const update = (logsSettings: Record<string, unknown>) =>
      su.settings.update({ logs: logsSettings }) as Promise<unknown>;
    try {
      await update({ logIP: false });
      const noIp = uniqueName("noip");
      await raw(server.url, `/api/collections/${noIp}/records`);
      const [entry] = await waitFor(noIp, 1);
      expect(entry?.data).toMatchObject({ remoteIP: "", userIP: "" });

      await update({ logIP: true, minLevel: 4 });
      const quiet = uniqueName("quiet");
      const collection = uniqueName("quietc");
      await su.collections.create({ name: collection, type: "base", listRule: "", fields: [] });
      await raw(server.url, `/api/collections/${collection}/records?m=${quiet}`);
      await raw(server.url, `/api/collections/${quiet}/records`);
      const kept = await waitFor(quiet, 1);
      await sleep(1200);
      expect((await entriesFor(quiet)).map((i) => i.data.status)).toEqual([404]);
      expect(kept).toHaveLength(1);

      await update({ minLevel: 0, maxDays: 0 });
      const off = uniqueName("off");
      await raw(server.url, `/api/collections/${off}/records`);
      await sleep(2200);
      await update({ maxDays: 5 });
      await sleep(1200);
      expect(await entriesFor(off)).toEqual([]);
      // Logging resumes once turned back on.
      const on = uniqueName("on");
      await raw(server.url, `/api/collections/${on}/records`);
      expect(await waitFor(on, 1)).toHaveLength(1);
    } finally {
      await update({ logIP: true, minLevel: 0, maxDays: 5 });
    }
  });

  it("validates the logs settings", async () => {
    for (const logsSettings of [{ maxDays: -1 }, { maxDays: 1.5 }, { maxDays: "7" }, { logIP: "no" }]) {
      const res = await raw(server.url, "/api/settings", {
        method: "PATCH",
        token,
        body: { logs: logsSettings },
      });
      expectRawError(res, 400);
    }
    const res = await raw(server.url, "/api/settings", {
      method: "PATCH",
      token,
      body: { logs: { minLevel: -4 } },
    });
    expect(res.status, res.text).toBe(200);
    await su.settings.update({ logs: { minLevel: 0 } });
  });
});

describe.each(await storesUnderTest())("request logs on shutdown (%s)", (kind) => {
  it("writes what is still buffered when the server closes", async () => {
    const server = await startServer(kind);
    try {
      const marker = uniqueName("closing");
      for (let i = 0; i < 5; i++) await raw(server.url, `/api/collections/${marker}/records`);
      await server.app.close();
      const store = await openStore(server.app.services.config.store);
      try {
        const rows = await store.db.selectFrom("_logs").select("message").execute();
        expect(rows.filter((r) => String(r.message).includes(marker))).toHaveLength(5);
      } finally {
        await store.close();
      }
    } finally {
      await server.close();
    }
  });
});
