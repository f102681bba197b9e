import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../../jobs/test-support/wait-until.js";
import { expectRawError, raw, signedInUser } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../test-support/webhook-receiver.js";
import type { Delivery } from "../../webhooks/delivery-log.js";
import { verifyWebhookSignature } from "../../webhooks/signature.js";
import type { WebhookEvent } from "../../webhooks/webhook-event.js";

/** POST /api/webhooks/:id/test: the admin's "Send test" — a signed sample event, logged like any delivery. */
describe.each(await storesUnderTest())("webhook test delivery (%s)", (kind) => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let su: PocketBase;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    process.env.BACKROOM_WEBHOOK_ALLOW_PRIVATE = `127.0.0.1:${receiver.port}`;
    process.env.BACKROOM_JOBS_POLL_MS = "25";
    server = await startServer(kind);
    su = await server.superuserClient();
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  const api = (path: string, method = "GET", body?: unknown, token = su.authStore.token) =>
    raw(server.url, path, { method, token, body });

  it("sends a signed webhook.test event whatever the event patterns, and logs the delivery", async () => {
    const created = await api("/api/webhooks", "POST", {
      url: `${receiver.url}/test-send`,
      events: ["orders.create"],
    });
    expect(created.status, created.text).toBe(200);
    const hook = created.body as { id: string; secret: string };

    const sent = await api(`/api/webhooks/${hook.id}/test`, "POST");
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body).toMatchObject({ type: "webhook.test", jobId: expect.any(String) });

    await waitUntil(() => receiver.at("/test-send").length === 1, "the test event");
    const [request] = receiver.at("/test-send");
    const event = JSON.parse(request?.body ?? "{}") as WebhookEvent;
    expect(event.type).toBe("webhook.test");
    expect(event.id).toBe((sent.body as { eventId: string }).eventId);
    expect(
      verifyWebhookSignature(
        hook.secret,
        String(request?.headers["backroom-signature"]),
        request?.body ?? "",
      ),
    ).toBe(true);

    await waitUntil(async () => {
      const log = await api(`/api/webhooks/${hook.id}/deliveries`);
      const items = (log.body as { items: Delivery[] }).items;
      return items.length === 1 && items[0]?.status === "success";
    }, "a logged delivery");
  });

  it("refuses guests, users, unknown or oversized ids and paused webhooks, in the API's error shape", async () => {
    const created = await api("/api/webhooks", "POST", {
      url: `${receiver.url}/paused`,
      events: ["nothing.create"],
    });
    const hook = created.body as { id: string };

    expectRawError(await raw(server.url, `/api/webhooks/${hook.id}/test`, { method: "POST" }), 401);
    const user = await signedInUser(() => server.client());
    expectRawError(
      await api(`/api/webhooks/${hook.id}/test`, "POST", undefined, user.pb.authStore.token),
      403,
    );
    expectRawError(await api("/api/webhooks/nosuchhook/test", "POST"), 404);
    expectRawError(await api(`/api/webhooks/${"x".repeat(5000)}/test`, "POST"), 404);

    expect((await api(`/api/webhooks/${hook.id}`, "PATCH", { active: false })).status).toBe(200);
    const paused = await api(`/api/webhooks/${hook.id}/test`, "POST");
    expectRawError(paused, 400);
    expect((paused.body as { message: string }).message).toMatch(/paused/);
    // Nothing was queued for it: the receiver never hears from a paused webhook.
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.at("/paused")).toEqual([]);
  });
});
