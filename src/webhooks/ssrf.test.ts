import { connect } from "node:net";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomId } from "../ids.js";
import type { Job } from "../jobs/job-types.js";
import { waitUntil } from "../jobs/test-support/wait-until.js";
import { expectRawError, raw, uniqueName } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import {
  type Canary,
  startCanary,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../test-support/webhook-receiver.js";
import type { Delivery } from "./delivery-log.js";
import { insertWebhook } from "./webhook-store.js";

describe.each(await storesUnderTest())("webhook SSRF protection (%s)", (kind) => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let canary: Canary;
  let su: PocketBase;
  const orders = uniqueName("orders");

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    canary = await startCanary();
    // Only the receiver's own port is allowed; the canary (same loopback, another port) is not.
    process.env.BACKROOM_WEBHOOK_ALLOW_PRIVATE = `127.0.0.1:${receiver.port}`;
    process.env.BACKROOM_WEBHOOK_RETRY_BASE_MS = "50";
    process.env.BACKROOM_JOBS_POLL_MS = "25";
    server = await startServer(kind);
    su = await server.superuserClient();
    await su.collections.create({
      name: orders,
      type: "base",
      fields: [{ name: "customer", type: "text" }],
    } as never);
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await canary?.close();
  });

  const api = (path: string, method = "GET", body?: unknown) =>
    raw(server.url, path, { method, token: su.authStore.token, body });
  const deliveries = async (id: string) =>
    ((await api(`/api/webhooks/${id}/deliveries`)).body as { items: Delivery[] }).items;

  /** Targets no webhook may reach: loopback (the canary), private, metadata, odd IPv4 spellings. */
  const privateTargets = (c: number) => [
    `http://127.0.0.1:${c}/`,
    `http://[::1]:${c}/`,
    `http://0.0.0.0:${c}/`,
    "http://169.254.169.254/latest/meta-data/",
    `http://[::ffff:127.0.0.1]:${c}/`,
    `http://2130706433:${c}/`,
    `http://0x7f.0.0.1:${c}/`,
    `http://0177.0.0.1:${c}/`,
    `http://localhost:${c}/`,
    `http://10.0.0.1:${c}/`,
    `https://192.168.1.1:${c}/`,
  ];
  const webhookCount = async () =>
    ((await api("/api/webhooks?perPage=1")).body as { totalItems: number }).totalItems;

  it("refuses private and unresolvable targets when a webhook is created or its URL changed", async () => {
    const before = await webhookCount();
    for (const url of privateTargets(canary.port)) {
      const res = await api("/api/webhooks", "POST", { url, events: [`${orders}.create`] });
      expectRawError(res, 400);
      const refused = (res.body as { data: { url: { code: string; message: string } } }).data.url;
      expect(refused.code, url).toBe("validation_url_not_public");
      expect(refused.message, url).toMatch(/^Refused: .*BACKROOM_WEBHOOK_ALLOW_PRIVATE\.$/);
    }
    // RFC 6761: .invalid never resolves.
    const nowhere = await api("/api/webhooks", "POST", { url: "http://hooks.invalid/x", events: ["*"] });
    expectRawError(nowhere, 400);
    expect((nowhere.body as { data: { url: { code: string } } }).data.url.code).toBe(
      "validation_url_unresolved",
    );
    expect(await webhookCount()).toBe(before);

    // The allowed receiver and a public address are accepted; changing the URL is checked again.
    const ok = await api("/api/webhooks", "POST", { url: `${receiver.url}/ok`, events: ["nothing.create"] });
    expect(ok.status, ok.text).toBe(200);
    const id = (ok.body as { id: string }).id;
    const moved = await api(`/api/webhooks/${id}`, "PATCH", { url: `http://localhost:${canary.port}/` });
    expectRawError(moved, 400);
    expect((moved.body as { data: { url: { code: string } } }).data.url.code).toBe(
      "validation_url_not_public",
    );
    expect(((await api(`/api/webhooks/${id}`)).body as { url: string }).url).toBe(`${receiver.url}/ok`);
    const publicIp = await api(`/api/webhooks/${id}`, "PATCH", { url: "http://93.184.216.34/hook" });
    expect(publicIp.status, publicIp.text).toBe(200);
    await api(`/api/webhooks/${id}`, "DELETE");
    expect(canary.connections()).toBe(0);
  });

  it("deliveries check again: private targets (stored before, or renamed by DNS since) and redirects to them are refused; nothing reaches the canary", async () => {
    const c = canary.port;
    receiver.respond("/redirect-302", () => ({
      status: 302,
      headers: { location: `http://127.0.0.1:${c}/` },
    }));
    receiver.respond("/redirect-307", () => ({
      status: 307,
      headers: { location: `http://localhost:${c}/` },
    }));
    const hooks: Array<{ id: string; url: string }> = [];
    // Rows the API would refuse today, written as an older version (or a DNS change) left them.
    for (const url of privateTargets(c)) {
      const events = [`${orders}.create`];
      const row = { id: randomId(), url, events, secret: "a secret of sixteen+", active: true };
      hooks.push(await insertWebhook(server.app.services.store.db, row));
    }
    for (const url of [`${receiver.url}/redirect-302`, `${receiver.url}/redirect-307`]) {
      const res = await api("/api/webhooks", "POST", { url, events: [`${orders}.create`] });
      expect(res.status, res.text).toBe(200);
      hooks.push({ id: (res.body as { id: string }).id, url });
    }
    await su.collection(orders).create({ customer: "Mallory" });

    for (const hook of hooks) {
      const [log] = await waitUntil(async () => {
        const items = await deliveries(hook.id);
        return items.length > 0 ? items : undefined;
      }, `a delivery attempt for ${hook.url}`);
      expect(log, hook.url).toMatchObject({ status: "failed", attempt: 1 });
      expect(log?.error, hook.url).toMatch(/^refused: /);
    }
    // A refused destination is dead at once: no retries hammer it.
    const dead = await api(`/api/jobs?name=webhook.deliver&status=dead&perPage=100`);
    const deadHooks = new Set(
      (dead.body as { items: Job[] }).items.map((j) => (j.payload as { webhookId: string }).webhookId),
    );
    for (const hook of hooks) expect(deadHooks.has(hook.id), hook.url).toBe(true);
    // The redirecting receiver was reached (it is allowed); what it pointed to was not.
    expect(receiver.at("/redirect-302")).toHaveLength(1);
    expect(receiver.at("/redirect-307")).toHaveLength(1);
    expect(canary.connections()).toBe(0);
    // The canary does count: a direct connection shows up.
    connect(c, "127.0.0.1")
      .on("error", () => {})
      .end();
    await waitUntil(() => canary.connections() === 1, "the canary to count a direct connection");
  });

  it("follows up to 3 redirects between allowed targets, re-posting the body on 307/308", async () => {
    receiver.respond("/hop1", () => ({ status: 307, headers: { location: "/hop2" } }));
    receiver.respond("/hop2", () => ({ status: 308, headers: { location: `${receiver.url}/landing` } }));
    receiver.respond("/loop", () => ({ status: 307, headers: { location: "/loop" } }));
    const ok = await api("/api/webhooks", "POST", {
      url: `${receiver.url}/hop1`,
      events: [`${orders}.update`],
    });
    const loop = await api("/api/webhooks", "POST", {
      url: `${receiver.url}/loop`,
      events: [`${orders}.update`],
    });
    const rec = await su.collection(orders).create({ customer: "Trent" });
    await su.collection(orders).update(rec.id, { customer: "Trent 2" });
    await waitUntil(() => receiver.at("/landing").length === 1, "the redirected delivery");
    const landing = receiver.at("/landing")[0];
    expect(landing?.method).toBe("POST");
    expect(JSON.parse(landing?.body ?? "{}")).toMatchObject({ type: `${orders}.update` });
    const okLog = await waitUntil(async () => {
      const items = await deliveries((ok.body as { id: string }).id);
      return items.length > 0 ? items : undefined;
    }, "the delivery log");
    expect(okLog[0]).toMatchObject({ status: "success", httpStatus: 200 });
    // A redirect loop stops after 3 redirects (1 + 3 requests) and counts as a failed attempt.
    const loopLog = await waitUntil(async () => {
      const items = await deliveries((loop.body as { id: string }).id);
      return items.length > 0 ? items : undefined;
    }, "the loop's delivery log");
    expect(loopLog[0]).toMatchObject({ status: "failed", httpStatus: 307, attempt: 1 });
    expect(receiver.at("/loop").length).toBeGreaterThanOrEqual(4);
    expect(canary.connections()).toBe(1);
  });
});
