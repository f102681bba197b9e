import http from "node:http";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PermanentJobError } from "../jobs/job-types.js";
import { waitUntil } from "../jobs/test-support/wait-until.js";
import { RawSse } from "../realtime/test-support/raw-sse.js";
import { systemContext } from "../records/request-context.js";
import { expectRawError, raw, signedInUser, uniqueName } from "../test-support/api.js";
import { type MetricFamily, parsePrometheusText, sampleValue } from "../test-support/prometheus-text.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { startWebhookReceiver, type WebhookReceiver } from "../test-support/webhook-receiver.js";

describe.each(await storesUnderTest())("GET /api/metrics (%s)", (kind) => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let su: PocketBase;
  let token: string;
  const posts = uniqueName("posts");
  const agent = new http.Agent({ keepAlive: false });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    process.env.BACKROOM_WEBHOOK_ALLOW_PRIVATE = `127.0.0.1:${receiver.port}`;
    process.env.BACKROOM_WEBHOOK_RETRY_BASE_MS = "50";
    process.env.BACKROOM_JOBS_POLL_MS = "25";
    server = await startServer(kind, { rateLimits: true });
    su = await server.superuserClient();
    token = su.authStore.token;
    await su.collections.create({
      name: posts,
      type: "base",
      fields: [{ name: "title", type: "text", max: 100_000 }],
      listRule: "",
      viewRule: "",
      createRule: "",
    } as never);
  });
  afterAll(async () => {
    agent.destroy();
    await server?.close();
    await receiver?.close();
  });

  const scrape = async (auth = token): Promise<Map<string, MetricFamily>> => {
    const res = await raw(server.url, "/api/metrics", { headers: { authorization: `Bearer ${auth}` } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(res.text);
  };

  it("is for superusers, API keys with the metrics scope and the scraper token only", async () => {
    expectRawError(await raw(server.url, "/api/metrics"), 401);
    const user = await signedInUser(() => server.client());
    expectRawError(await raw(server.url, "/api/metrics", { token: user.pb.authStore.token }), 403);
    const createKey = async (scopes: unknown[]) => {
      const res = await raw(server.url, "/api/keys", { method: "POST", token, body: { name: "k", scopes } });
      expect(res.status, res.text).toBe(200);
      return (res.body as { key: string }).key;
    };
    const recordsKey = await createKey([{ collection: "*", operations: ["list"] }]);
    expectRawError(await raw(server.url, "/api/metrics", { token: recordsKey }), 403);
    const metricsKey = await createKey(["metrics"]);
    expect((await scrape(metricsKey)).has("backroom_http_request_duration_seconds")).toBe(true);
    // A key with only the metrics scope reads no records.
    expectRawError(await raw(server.url, `/api/collections/${posts}/records`, { token: metricsKey }), 403);
    const badScope = await raw(server.url, "/api/keys", {
      method: "POST",
      token,
      body: { name: "k", scopes: ["everything"] },
    });
    expectRawError(badScope, 400);

    const secret = "scraper-secret-0123456789";
    await su.settings.update({ metrics: { token: secret } });
    expect((await su.settings.getAll()).metrics).toEqual({ enabled: true, token: "" });
    expect((await scrape(secret)).size).toBeGreaterThan(10);
    expectRawError(await raw(server.url, "/api/metrics", { token: "scraper-secret-wrong-guess" }), 401);
    const short = await raw(server.url, "/api/settings", {
      method: "PATCH",
      token,
      body: { metrics: { token: "short" } },
    });
    expectRawError(short, 400);

    await su.settings.update({ metrics: { enabled: false } });
    expectRawError(await raw(server.url, "/api/metrics", { token }), 404);
    await su.settings.update({ metrics: { enabled: true } });
  });

  it("every family moves after real traffic", async () => {
    const before = await scrape();
    const guest = server.client();
    const created = await guest.collection(posts).create({ title: "hello" });
    for (let i = 0; i < 3; i++) await guest.collection(posts).getOne(created.id);
    expectRawError(await raw(server.url, "/api/no/such/route"), 404);

    // A rate limit refusal: a tight rule for guests on this collection's list.
    await su.settings.update({
      rateLimits: {
        enabled: true,
        rules: [
          {
            label: `GET /api/collections/${posts}/records`,
            maxRequests: 1,
            duration: 60,
            audience: "@guest",
          },
        ],
      },
    });
    await raw(server.url, `/api/collections/${posts}/records`);
    expectRawError(await raw(server.url, `/api/collections/${posts}/records`), 429);
    await su.settings.update({ rateLimits: { enabled: false } });

    // Realtime: a reader that stops reading is cut once the server holds too much for it.
    const hub = server.app.services.realtime;
    const saved = hub.options.maxBufferBytes;
    hub.options.maxBufferBytes = 64 * 1024;
    const slow = await RawSse.open(server.url, agent);
    const fast = await RawSse.open(server.url, agent);
    try {
      for (const sse of [slow, fast]) {
        const res = await raw(server.url, "/api/realtime", {
          method: "POST",
          body: { clientId: sse.clientId, subscriptions: [`${posts}/*`] },
        });
        expect(res.status).toBe(204);
      }
      const during = await scrape();
      expect(sampleValue(during, "backroom_realtime_connections")).toBe(2);
      expect(sampleValue(during, "backroom_realtime_subscriptions")).toBe(2);
      slow.pause();
      const big = "x".repeat(30_000);
      for (let i = 0; i < 1000 && hub.size === 2; i++) {
        await server.app.services.records.create(posts, { title: `${i} ${big}` }, systemContext());
        await server.app.services.events.settle();
        await new Promise((r) => setImmediate(r));
      }
      expect(hub.size).toBe(1);
    } finally {
      hub.options.maxBufferBytes = saved;
      slow.close();
      fast.close();
    }
    // Webhooks: one receiver answers 200, another 500 (its job fails and is retried).
    receiver.respond("/fails", () => ({ status: 500 }));
    for (const path of ["/ok", "/fails"]) {
      const res = await raw(server.url, "/api/webhooks", {
        method: "POST",
        token,
        body: { url: `${receiver.url}${path}`, events: [`${posts}.create`] },
      });
      expect(res.status, res.text).toBe(200);
    }
    await guest.collection(posts).create({ title: "delivered" });
    // A job with no retry left: a dead letter.
    server.app.services.jobs.define("metrics.test.fails", () => {
      throw new PermanentJobError("no");
    });
    await server.app.services.jobs.enqueue("metrics.test.fails", {});

    await waitUntil(async () => {
      const now = await scrape();
      return (
        sampleValue(now, "backroom_webhook_deliveries_total", { result: "success" }) >= 1 &&
        sampleValue(now, "backroom_webhook_deliveries_total", { result: "failed" }) >= 1 &&
        sampleValue(now, "backroom_job_runs_total", { result: "dead" }) >= 1
      );
    }, "webhook deliveries and a dead job");

    const after = await scrape();
    const requests = (route: string, status: string, families = after) =>
      sampleValue(families, "backroom_http_request_duration_seconds_count", { route, status });
    const recordRoute = "/api/collections/:collection/records/:id";
    expect(requests(recordRoute, "200") - requests(recordRoute, "200", before)).toBe(3);
    expect(requests("/api/collections/:collection/records", "200")).toBeGreaterThanOrEqual(1);
    // Unknown paths fall to the hooks' catch-all route: one series, whatever the path.
    expect(requests("/*", "404")).toBeGreaterThanOrEqual(1);
    // Labels are route templates: no id and no collection name ever appears in one.
    for (const sample of after.get("backroom_http_request_duration_seconds_count")?.metrics ?? []) {
      expect(sample.labels?.route).not.toContain(created.id);
      expect(sample.labels?.route).not.toContain(posts);
    }
    const histogram = after.get("backroom_http_request_duration_seconds");
    expect(histogram?.type).toBe("HISTOGRAM");
    // This scrape is the one request in flight.
    expect(sampleValue(after, "backroom_http_requests_in_flight")).toBe(1);
    expect(sampleValue(after, "backroom_db_query_duration_seconds_count")).toBeGreaterThan(
      sampleValue(before, "backroom_db_query_duration_seconds_count"),
    );
    expect(sampleValue(after, "backroom_rate_limit_refusals_total")).toBe(1);
    expect(sampleValue(after, "backroom_realtime_slow_clients_dropped_total")).toBe(1);
    expect(sampleValue(after, "backroom_outbox_newest_seq")).toBeGreaterThan(
      sampleValue(before, "backroom_outbox_newest_seq"),
    );
    expect(sampleValue(after, "backroom_outbox_dispatched_seq")).toBeGreaterThan(0);
    expect(after.has("backroom_outbox_lag_events")).toBe(true);
    expect(after.has("backroom_outbox_lag_seconds")).toBe(true);
    expect(sampleValue(after, "backroom_jobs", { status: "dead" })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, "backroom_jobs", { status: "succeeded" })).toBeGreaterThanOrEqual(1);
    expect(after.has("backroom_jobs_oldest_due_seconds")).toBe(true);
    expect(sampleValue(after, "backroom_job_runs_total", { result: "succeeded" })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(sampleValue(after, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    if (kind === "postgres") {
      expect(sampleValue(after, "backroom_db_pool_connections", { state: "idle" })).toBeGreaterThan(0);
      expect(after.has("backroom_db_pool_waiting")).toBe(true);
    } else {
      expect(after.has("backroom_db_pool_connections")).toBe(false);
    }
  });

  it("outbox lag: events not yet dispatched are counted, with the age of the oldest", async () => {
    const events = server.app.services.events;
    // A listener that holds the dispatcher on the next event: what is written meanwhile waits.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding = true;
    const unsubscribe = events.subscribe(async () => {
      if (holding) await held;
    });
    try {
      await server.app.services.records.create(posts, { title: "first" }, systemContext());
      await server.app.services.records.create(posts, { title: "waits" }, systemContext());
      await new Promise((r) => setTimeout(r, 1100));
      const lagging = await scrape();
      expect(sampleValue(lagging, "backroom_outbox_lag_events")).toBeGreaterThanOrEqual(1);
      expect(sampleValue(lagging, "backroom_outbox_lag_seconds")).toBeGreaterThanOrEqual(1);
    } finally {
      holding = false;
      release();
      unsubscribe();
    }
    await events.settle();
    const caughtUp = await scrape();
    expect(sampleValue(caughtUp, "backroom_outbox_lag_events")).toBe(0);
    expect(sampleValue(caughtUp, "backroom_outbox_lag_seconds")).toBe(0);
  });
});
