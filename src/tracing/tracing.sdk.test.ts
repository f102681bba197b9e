import { randomBytes } from "node:crypto";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../jobs/test-support/wait-until.js";
import { raw, uniqueName } from "../test-support/api.js";
import { startOtlpReceiver } from "../test-support/otlp-receiver.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { startWebhookReceiver, type WebhookReceiver } from "../test-support/webhook-receiver.js";

// Tracing is process-wide (one SDK): the environment is set before the first server starts.
const receiver = await startOtlpReceiver();
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
process.env.OTEL_SERVICE_NAME = "backroom-under-test";
process.env.OTEL_BSP_SCHEDULE_DELAY = "50";
const webhooks: WebhookReceiver = await startWebhookReceiver();
process.env.BACKROOM_WEBHOOK_ALLOW_PRIVATE = `127.0.0.1:${webhooks.port}`;
process.env.BACKROOM_JOBS_POLL_MS = "25";
afterAll(async () => {
  await receiver.close();
  await webhooks.close();
});

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

describe.each(await storesUnderTest())("OpenTelemetry traces (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  const posts = uniqueName("posts");

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    await su.collections.create({
      name: posts,
      type: "base",
      fields: [{ name: "title", type: "text" }],
      listRule: "",
      viewRule: "title != 'hidden'",
      createRule: "",
    } as never);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("a request with a traceparent continues the caller's trace, with its SQL statements as children", async () => {
    const record = await su.collection(posts).create({ title: "secret title value" });
    const traceId = hex(16);
    const callerSpan = hex(8);
    const res = await raw(server.url, `/api/collections/${posts}/records/${record.id}`, {
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    expect(res.status).toBe(200);

    const requestSpan = await waitUntil(
      () => receiver.spans.find((s) => s.traceId === traceId && s.kind === 2),
      "the request's server span",
    );
    expect(requestSpan.name).toBe("GET /api/collections/:collection/records/:id");
    expect(requestSpan.parentSpanId).toBe(callerSpan);
    expect(requestSpan.service).toBe("backroom-under-test");
    expect(requestSpan.attributes["http.response.status_code"]).toBe(200);
    expect(requestSpan.attributes["http.route"]).toBe("/api/collections/:collection/records/:id");

    const statements = await waitUntil(() => {
      const found = receiver.spans.filter((s) => s.traceId === traceId && s.attributes["db.statement"]);
      return found.length > 0 ? found : undefined;
    }, "SQL spans");
    for (const statement of statements) {
      expect(statement.parentSpanId).toBe(requestSpan.spanId);
      expect(statement.attributes["db.system"]).toBe(kind === "postgres" ? "postgresql" : "sqlite");
      // The statement's text, never the values bound to it.
      expect(String(statement.attributes["db.statement"])).not.toContain(record.id);
    }
    expect(statements.some((s) => String(s.attributes["db.statement"]).includes(posts))).toBe(true);
    // The view rule was compiled for this first view: a span of its own, under the request's.
    const compiled = await waitUntil(
      () => receiver.spans.find((s) => s.traceId === traceId && s.name === "rule compile"),
      "the rule compilation's span",
    );
    expect(compiled.attributes["backroom.rule.cache"]).toBe("miss");
    expect(compiled.parentSpanId).toBe(requestSpan.spanId);
  });

  it("request log entries carry the trace id", async () => {
    const traceId = hex(16);
    const res = await raw(server.url, `/api/collections/${posts}/records`, {
      headers: { traceparent: `00-${traceId}-${hex(8)}-01` },
    });
    expect(res.status).toBe(200);
    const entry = await waitUntil(async () => {
      const logs = await su.logs.getList(1, 5, { filter: `data.traceId = "${traceId}"` });
      return logs.items[0];
    }, "the request's log entry");
    expect(entry.data.url).toBe(`/api/collections/${posts}/records`);
  });

  it("a webhook caused by a request: its job links back to the request's trace, and the delivery sends a traceparent", async () => {
    const hooked = uniqueName("hooked");
    await su.collections.create({
      name: hooked,
      type: "base",
      fields: [{ name: "title", type: "text" }],
      createRule: "",
    } as never);
    const path = `/${hooked}`;
    const created = await raw(server.url, "/api/webhooks", {
      method: "POST",
      token: su.authStore.token,
      body: { url: `${webhooks.url}${path}`, events: [`${hooked}.create`] },
    });
    expect(created.status, created.text).toBe(200);
    const traceId = hex(16);
    const res = await raw(server.url, `/api/collections/${hooked}/records`, {
      method: "POST",
      body: { title: "x" },
      headers: { traceparent: `00-${traceId}-${hex(8)}-01` },
    });
    expect(res.status, res.text).toBe(200);

    const delivery = await waitUntil(() => webhooks.at(path)[0], "the delivery");
    const sent = String(delivery.headers.traceparent);
    expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const [, sentTrace, sentSpan] = sent.split("-");
    const job = await waitUntil(
      () => receiver.spans.find((s) => s.name === "job webhook.deliver" && s.traceId === sentTrace),
      "the job's span",
    );
    // The job's run is a trace of its own, linked to the request that caused it.
    expect(job.links.map((l) => l.traceId)).toContain(traceId);
    const post = await waitUntil(
      () => receiver.spans.find((s) => s.spanId === sentSpan),
      "the outbound POST's span",
    );
    expect(post.name).toBe("POST webhook");
    expect(post.parentSpanId).toBe(job.spanId);
  });

  it("a request without a traceparent starts a trace of its own", async () => {
    const before = new Set(receiver.spans.map((s) => s.traceId));
    const res = await raw(server.url, "/api/health");
    expect(res.status).toBe(200);
    const span = await waitUntil(
      () => receiver.spans.find((s) => s.name === "GET /api/health" && !before.has(s.traceId)),
      "a health span",
    );
    expect(span.parentSpanId).toBe("");
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
