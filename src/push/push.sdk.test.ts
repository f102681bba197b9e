import { sql } from "kysely";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appFolder } from "../hooks/test-support/app-folder.js";
import { waitUntil } from "../jobs/test-support/wait-until.js";
import {
  expectRawError,
  expectSdkError,
  issueCode,
  raw,
  signedInUser,
  uniqueName,
} from "../test-support/api.js";
import {
  type PushReceiver,
  startPushReceiver,
  type TestSubscription,
} from "../test-support/push-receiver.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { MAX_PAYLOAD_BYTES } from "./push-message.js";

const HOOKS = {
  "notify.ts": `
import { defineHooks } from "backroom";

export default defineHooks((app) => {
  // After commit, to the accounts a filter finds.
  app.onRecordAfterCreateSuccess(async (e) => {
    await e.app.push.send(
      { collection: "users", filter: "id = {:id}", params: { id: String(e.record.get("to")) } },
      { text: e.record.get("text") },
    );
    await e.next();
  }, "notes");
  // Inside the write's transaction, to one account: a write that rolls back sends nothing.
  app.onRecordCreate(async (e) => {
    await e.next();
    await e.app.push.send({ collectionName: "users", id: String(e.record.get("to")) }, { alert: e.record.get("text") }, { urgency: "low" });
    if (e.record.get("text") === "rollback") e.badRequest("rolled back on purpose");
  }, "alerts");
});
`,
};

const open = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };

describe.each(await storesUnderTest())("Web Push (%s)", (kind) => {
  let server: TestServer;
  let receiver: PushReceiver;
  let su: PocketBase;
  const folder = appFolder(HOOKS);

  beforeAll(async () => {
    receiver = await startPushReceiver();
    // The test push service is on loopback over http: allowed for its port only.
    process.env.BACKROOM_PUSH_ALLOW_PRIVATE = `127.0.0.1:${receiver.port}`;
    process.env.BACKROOM_PUSH_RETRY_BASE_MS = "50";
    process.env.BACKROOM_JOBS_POLL_MS = "25";
    server = await startServer(kind, { hooks: folder.hooks });
    su = await server.superuserClient();
    for (const name of ["notes", "alerts"])
      await su.collections.create({
        name,
        type: "base",
        ...open,
        fields: [
          { name: "to", type: "text" },
          { name: "text", type: "text" },
        ],
      });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    folder.remove();
  });

  const subscribe = (pb: PocketBase, body: unknown) =>
    pb.send<{ id: string; endpoint: string }>("/api/push/subscriptions", { method: "POST", body });
  const mine = async (pb: PocketBase) =>
    (await pb.send<{ items: { endpoint: string }[] }>("/api/push/subscriptions", {})).items.map(
      (s) => s.endpoint,
    );
  const testPush = (body: Record<string, unknown>) =>
    su.send<{ queued: number }>("/api/push/test", { method: "POST", body });
  const storedFor = async (recordId: string) =>
    Number(
      (
        await sql<{
          n: number;
        }>`SELECT COUNT(*) AS n FROM _push_subscriptions WHERE record_id = ${recordId}`.execute(
          server.app.services.store.db,
        )
      ).rows[0]?.n,
    );
  const subscribed = async () => {
    const user = await signedInUser(() => server.client());
    const sub = receiver.subscription();
    await subscribe(user.pb, sub.json);
    return { user, sub };
  };
  const delivered = (sub: TestSubscription, count = 1) =>
    waitUntil(() => receiver.received(sub).length >= count && receiver.received(sub), `${count} push(es)`);

  it("drops an auth collection's push subscriptions with the collection, deleted or left out of an import", async () => {
    const members = async (name: string) => {
      await su.collections.create({ name, type: "auth", createRule: "", fields: [] });
      const member = await signedInUser(() => server.client(), { collection: name });
      await subscribe(member.pb, receiver.subscription().json);
      expect(await storedFor(member.id)).toBe(1);
      return member;
    };
    const deleted = await members(uniqueName("members"));
    const dropped = await members(uniqueName("members"));
    await su.collections.delete(deleted.pb.authStore.record?.collectionName ?? "");
    expect(await storedFor(deleted.id)).toBe(0);
    // An import that replaces the catalogue without that collection deletes it the same way.
    const keep = (await su.collections.getFullList()).filter(
      (c) => c.name !== dropped.pb.authStore.record?.collectionName,
    );
    await su.collections.import(keep, true);
    expect(await storedFor(dropped.id)).toBe(0);
  });

  it("makes one VAPID key pair on first use, even asked at once, and never shows its private half", async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => raw(server.url, "/api/push/vapid-public-key")),
    );
    const keys = answers.map((res) => (res.body as { publicKey: string }).publicKey);
    expect(new Set(keys).size).toBe(1);
    const point = Buffer.from(keys[0] as string, "base64url");
    expect(point.length).toBe(65);
    expect(point[0]).toBe(4);
    const settings = (await su.settings.getAll()) as unknown as {
      push: { vapidPublicKey: string; vapidPrivateKey: string };
    };
    expect(settings.push.vapidPublicKey).toBe(keys[0]);
    expect(settings.push.vapidPrivateKey).toBe("");
    const stranger = await signedInUser(() => server.client());
    await expectSdkError(stranger.pb.settings.getAll(), 403);
  });

  it("delivers a payload a browser can decrypt, signed with the VAPID key, with TTL, urgency and topic", async () => {
    const { user, sub } = await subscribed();
    expect(await mine(user.pb)).toEqual([sub.endpoint]);
    const payload = { title: "Order shipped", body: "Your cakes are on the way", n: 1 };
    const sent = await testPush({
      collection: "users",
      recordId: user.id,
      payload,
      ttl: 60,
      urgency: "high",
      topic: "orders",
    });
    expect(sent).toEqual({ queued: 1 });
    const [push] = await delivered(sub);
    expect(JSON.parse(push?.plaintext as string)).toEqual(payload);
    const { publicKey } = (await raw(server.url, "/api/push/vapid-public-key")).body as { publicKey: string };
    expect(push?.vapid.publicKey).toBe(publicKey);
    expect(push?.vapid.sub).toBe("mailto:support@example.com");
    expect(push?.headers.ttl).toBe("60");
    expect(push?.headers.urgency).toBe("high");
    expect(push?.headers.topic).toBe("orders");
    expect(receiver.refused.filter((r) => r.path === sub.path)).toEqual([]);
  });

  it("carries a payload of the largest size and refuses a larger one before queueing anything", async () => {
    const { user, sub } = await subscribed();
    const largest = `${"é".repeat((MAX_PAYLOAD_BYTES - 1) / 2)}x`;
    expect(Buffer.byteLength(largest)).toBe(MAX_PAYLOAD_BYTES);
    await testPush({ collection: "users", recordId: user.id, payload: largest });
    expect((await delivered(sub))[0]?.plaintext).toBe(largest);

    const err = await expectSdkError(
      testPush({ collection: "users", recordId: user.id, payload: `${largest}y` }),
      400,
    );
    expect(issueCode(err, "payload")).toBe("validation_push_payload_too_large");
    const huge = await expectSdkError(
      testPush({ collection: "users", recordId: user.id, payload: { blob: "z".repeat(100_000) } }),
      400,
    );
    expect(issueCode(huge, "payload")).toBe("validation_push_payload_too_large");
    for (const bad of [{ ttl: -1 }, { ttl: 1.5 }, { urgency: "now" }, { topic: "has spaces" }]) {
      const e = await expectSdkError(testPush({ collection: "users", recordId: user.id, ...bad }), 400);
      expect(issueCode(e, Object.keys(bad)[0] as string)).toBe("validation_invalid_value");
    }
    const jobs = await sql<{
      n: number;
    }>`SELECT COUNT(*) AS n FROM _jobs WHERE name = 'push.send' AND payload LIKE ${"%zzzz%"}`.execute(
      server.app.services.store.db,
    );
    expect(Number(jobs.rows[0]?.n)).toBe(0);
    expect(receiver.attempts(sub)).toBe(1);
  });

  it("retries a send the push service failed (5xx), and drops a subscription it reports gone (410, 404)", async () => {
    const flaky = await subscribed();
    receiver.respond(flaky.sub, (n) => (n === 1 ? 503 : 201));
    await testPush({ collection: "users", recordId: flaky.user.id, payload: "after a retry" });
    expect((await delivered(flaky.sub))[0]?.plaintext).toBe("after a retry");
    expect(receiver.attempts(flaky.sub)).toBe(2);

    for (const status of [410, 404]) {
      const gone = await subscribed();
      receiver.respond(gone.sub, () => status);
      expect(await storedFor(gone.user.id)).toBe(1);
      await testPush({ collection: "users", recordId: gone.user.id, payload: "nobody home" });
      await waitUntil(
        async () => (await storedFor(gone.user.id)) === 0,
        `the ${status} subscription removed`,
      );
      expect(await mine(gone.user.pb)).toEqual([]);
      expect(receiver.attempts(gone.sub)).toBe(1);
    }

    // A subscription past the expirationTime its browser gave is dropped without a request.
    const user = await signedInUser(() => server.client());
    const expired = receiver.subscription();
    await subscribe(user.pb, { ...expired.json, expirationTime: Date.now() - 1000 });
    await testPush({ collection: "users", recordId: user.id, payload: "too late" });
    await waitUntil(async () => (await storedFor(user.id)) === 0, "the expired subscription removed");
    expect(receiver.attempts(expired)).toBe(0);
  });

  it("lets hooks send with e.app.push.send, and a rolled-back write sends nothing", async () => {
    const { user, sub } = await subscribed();
    await server.client().collection("notes").create({ to: user.id, text: "hello from a hook" });
    expect(JSON.parse((await delivered(sub))[0]?.plaintext as string)).toEqual({ text: "hello from a hook" });

    await expectSdkError(server.client().collection("alerts").create({ to: user.id, text: "rollback" }), 400);
    await server.client().collection("alerts").create({ to: user.id, text: "kept" });
    const pushes = await delivered(sub, 2);
    expect(pushes.map((p) => JSON.parse(p.plaintext as string))).toEqual([
      { text: "hello from a hook" },
      { alert: "kept" },
    ]);
    expect(pushes[1]?.headers.urgency).toBe("low");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received(sub)).toHaveLength(2);
  });

  it("refuses registration without an account, and subscriptions that are not valid", async () => {
    const sub = receiver.subscription();
    expectRawError(await raw(server.url, "/api/push/subscriptions", { method: "POST", body: sub.json }), 401);
    expectRawError(await raw(server.url, "/api/push/subscriptions"), 401);
    const user = await signedInUser(() => server.client());
    const token = user.pb.authStore.token;
    const post = (body: unknown) =>
      raw(server.url, "/api/push/subscriptions", { method: "POST", token, body });
    expectRawError(await post("{not json"), 400);
    expectRawError(await post([sub.json]), 400);

    const keys = sub.json.keys;
    const cases: Array<[unknown, string[], string]> = [
      [{ keys }, ["endpoint"], "validation_required"],
      [{ endpoint: "http://push.example.com/x", keys }, ["endpoint"], "validation_is_url"],
      [{ endpoint: "ftp://push.example.com/x", keys }, ["endpoint"], "validation_is_url"],
      [{ endpoint: "https://user:pw@push.example.com/x", keys }, ["endpoint"], "validation_is_url"],
      [
        { endpoint: `https://push.example.com/${"a".repeat(3000)}`, keys },
        ["endpoint"],
        "validation_length_too_long",
      ],
      [{ endpoint: "https://10.1.2.3/x", keys }, ["endpoint"], "validation_url_not_public"],
      [{ endpoint: "https://127.0.0.1/x", keys }, ["endpoint"], "validation_url_not_public"],
      // Over http, only the allowed host and port.
      [{ endpoint: `http://127.0.0.1:${receiver.port + 1}/x`, keys }, ["endpoint"], "validation_is_url"],
      [{ endpoint: sub.endpoint }, ["keys"], "validation_required"],
      [{ endpoint: sub.endpoint, keys: "k" }, ["keys"], "validation_required"],
      [
        {
          endpoint: sub.endpoint,
          keys: { ...keys, p256dh: Buffer.alloc(65, 0).fill(4, 0, 1).toString("base64url") },
        },
        ["keys", "p256dh"],
        "validation_invalid_push_key",
      ],
      [
        { endpoint: sub.endpoint, keys: { ...keys, p256dh: keys.p256dh.slice(0, 40) } },
        ["keys", "p256dh"],
        "validation_invalid_push_key",
      ],
      [
        { endpoint: sub.endpoint, keys: { ...keys, p256dh: "!!not base64!!" } },
        ["keys", "p256dh"],
        "validation_invalid_push_key",
      ],
      [
        { endpoint: sub.endpoint, keys: { ...keys, auth: Buffer.alloc(15).toString("base64url") } },
        ["keys", "auth"],
        "validation_invalid_push_key",
      ],
      [
        { endpoint: sub.endpoint, keys: { ...keys, auth: 16 } },
        ["keys", "auth"],
        "validation_invalid_push_key",
      ],
      [{ ...sub.json, expirationTime: "tomorrow" }, ["expirationTime"], "validation_invalid_value"],
    ];
    for (const [body, path, code] of cases) {
      const err = await expectSdkError(subscribe(user.pb, body), 400);
      expect(issueCode(err, ...path), JSON.stringify(body).slice(0, 200)).toBe(code);
    }
    expect(await storedFor(user.id)).toBe(0);
    // A valid one with padded keys is taken, stored as browsers send them.
    await subscribe(user.pb, { ...sub.json, keys: { p256dh: `${keys.p256dh}=`, auth: `${keys.auth}==` } });
    expect(await mine(user.pb)).toEqual([sub.endpoint]);
  });

  it("unregisters only the caller's own subscription; someone else's endpoint is a 404", async () => {
    const ann = await subscribed();
    const bob = await signedInUser(() => server.client());
    const del = (pb: PocketBase, endpoint: string) =>
      raw(server.url, "/api/push/subscriptions", {
        method: "DELETE",
        token: pb.authStore.token,
        body: { endpoint },
      });
    expectRawError(
      await raw(server.url, "/api/push/subscriptions", {
        method: "DELETE",
        body: { endpoint: ann.sub.endpoint },
      }),
      401,
    );
    expectRawError(await del(bob.pb, ann.sub.endpoint), 404);
    expectRawError(await del(bob.pb, ""), 400);
    expect(await mine(ann.user.pb)).toEqual([ann.sub.endpoint]);
    expect((await del(ann.user.pb, ann.sub.endpoint)).status).toBe(204);
    expect(await mine(ann.user.pb)).toEqual([]);
    expectRawError(await del(ann.user.pb, ann.sub.endpoint), 404);
    // By query, too (a DELETE body is not always possible).
    await subscribe(ann.user.pb, ann.sub.json);
    const byQuery = await raw(
      server.url,
      `/api/push/subscriptions?endpoint=${encodeURIComponent(ann.sub.endpoint)}`,
      {
        method: "DELETE",
        token: ann.user.pb.authStore.token,
      },
    );
    expect(byQuery.status).toBe(204);
  });

  it("limits subscriptions per account, and deletes them with the account", async () => {
    await su.settings.update({ push: { maxSubscriptionsPerUser: 2 } });
    try {
      const user = await signedInUser(() => server.client());
      const [a, b, c] = [receiver.subscription(), receiver.subscription(), receiver.subscription()];
      await subscribe(user.pb, a.json);
      await subscribe(user.pb, b.json);
      const err = await expectSdkError(subscribe(user.pb, c.json), 400);
      expect(issueCode(err, "endpoint")).toBe("validation_push_subscriptions_limit");
      // The same browser again only refreshes its keys.
      await subscribe(user.pb, a.json);
      expect(await storedFor(user.id)).toBe(2);
      // Registrations at once can't overtake the limit either.
      const racer = await signedInUser(() => server.client());
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => subscribe(racer.pb, receiver.subscription().json)),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
      expect(await storedFor(racer.id)).toBe(2);
      await su.collection("users").delete(user.id);
      expect(await storedFor(user.id)).toBe(0);
    } finally {
      await su.settings.update({ push: { maxSubscriptionsPerUser: 20 } });
    }
  });

  it("is for superusers to test-send, and validates the push settings like the others", async () => {
    const user = await signedInUser(() => server.client());
    expectRawError(
      await raw(server.url, "/api/push/test", {
        method: "POST",
        body: { collection: "users", recordId: user.id },
      }),
      401,
    );
    expectRawError(
      await raw(server.url, "/api/push/test", {
        method: "POST",
        token: user.pb.authStore.token,
        body: { collection: "users", recordId: user.id },
      }),
      403,
    );
    await expectSdkError(testPush({ collection: "notes", recordId: "x" }), 400);
    await expectSdkError(testPush({ collection: "nope", recordId: "x" }), 404);
    await expectSdkError(testPush({ collection: "users" }), 400);

    const before = (await raw(server.url, "/api/push/vapid-public-key")).body;
    const other = receiver.subscription().json.keys.p256dh; // a valid point, but not the private key's
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ vapidPublicKey: other }, "vapidPublicKey"],
      [{ vapidPrivateKey: "short" }, "vapidPrivateKey"],
      // An empty private key keeps the stored one (masked secrets come back empty), so the public key is at fault.
      [{ vapidPublicKey: "", vapidPrivateKey: "" }, "vapidPublicKey"],
      [{ subject: "ftp://example.com" }, "subject"],
      [{ maxSubscriptionsPerUser: 0 }, "maxSubscriptionsPerUser"],
      [{ maxSubscriptionsPerUser: 2.5 }, "maxSubscriptionsPerUser"],
      [{ vapidPublicKey: 5 }, "vapidPublicKey"],
      [{ unknown: true }, "unknown"],
    ];
    for (const [push, field] of bad) {
      const err = await expectSdkError(su.settings.update({ push }), 400);
      expect(issueCode(err, "push", field), JSON.stringify(push)).toMatch(/^validation_/);
    }
    expect((await raw(server.url, "/api/push/vapid-public-key")).body).toEqual(before);
    await su.settings.update({ push: { subject: "https://shop.example.com/contact" } });
    const { user: u2, sub } = await subscribed();
    await testPush({ collection: "users", recordId: u2.id });
    const [push] = await delivered(sub);
    expect(push?.vapid.sub).toBe("https://shop.example.com/contact");
    expect(JSON.parse(push?.plaintext as string)).toEqual({
      title: "Test notification",
      body: "Push works.",
    });
  });
});
