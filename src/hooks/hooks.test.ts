import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../jobs/test-support/wait-until.js";
import { raw } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { signWebhook } from "../webhooks/signature.js";
import { appFolder } from "./test-support/app-folder.js";
import { SHOP_HOOKS } from "./test-support/shop-hooks.js";

const open = { listRule: "", viewRule: "", createRule: "", updateRule: "", deleteRule: "" };

describe.each(await storesUnderTest())("hooks written in TypeScript (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  const folder = appFolder(SHOP_HOOKS);

  const call = (method: string, path: string, body?: unknown, token?: string) =>
    raw(server.url, path, { method, ...(body === undefined ? {} : { body }), ...(token ? { token } : {}) });
  const logs = async () =>
    (await su.collection("logs").getFullList<{ message: string }>({ sort: "created" })).map((l) => l.message);
  const orders = async () =>
    (await su.collection("orders").getFullList<{ title: string }>()).map((o) => o.title);

  beforeAll(async () => {
    server = await startServer(kind, { hooks: folder.hooks, hookTimeoutMs: 500 });
    su = await server.superuserClient();
    await su.collections.create({
      name: "orders",
      type: "base",
      ...open,
      fields: [
        { name: "title", type: "text", required: true },
        { name: "slug", type: "text" },
        { name: "qty", type: "number" },
        { name: "note", type: "text" },
        { name: "locked", type: "bool" },
      ],
    });
    await su.collections.create({ name: "logs", type: "base", fields: [{ name: "message", type: "text" }] });
    await su.collection("users").create({
      email: "ann@example.com",
      password: "a good long password",
      passwordConfirm: "a good long password",
      name: "Ann",
    });
    await su.collection("users").create({
      email: "bob@example.com",
      password: "a good long password",
      passwordConfirm: "a good long password",
      name: "banned",
    });
  });
  afterAll(async () => {
    await server?.close();
    folder.remove();
  });

  describe("record hooks", () => {
    it("let a model hook set fields before the insert and write in the same transaction", async () => {
      const created = await server.client().collection("orders").create({ title: "Blue Mugs", qty: 3 });
      expect(created.slug).toBe("blue-mugs");
      expect(created.note).toBe("from a guest");
      expect(created.hooked).toBe(true);
      expect(await logs()).toEqual(expect.arrayContaining(["created blue-mugs", "committed blue-mugs"]));
    });

    it("turn e.badRequest into the API's error, with the field's issue, and write nothing", async () => {
      const before = await logs();
      const res = await call("POST", "/api/collections/orders/records", { title: "forbidden" });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        status: 400,
        message: "Orders can't be forbidden.",
        data: { title: { code: "validation_forbidden", message: "Pick another title." } },
      });
      expect(await orders()).not.toContain("forbidden");
      // Only the after-error hook wrote (after the rollback).
      expect((await logs()).slice(before.length)).toEqual(["rolled back forbidden"]);
    });

    it("fail only its own write when a hook hangs inside the transaction (time limit)", async () => {
      const res = await call("POST", "/api/collections/orders/records", { title: "hang" });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ status: 500, message: expect.any(String), data: {} });
      // The transaction was rolled back and its lock released: the next write goes through.
      const next = await server.client().collection("orders").create({ title: "After The Hang" });
      expect(next.slug).toBe("after-the-hang");
      expect(await orders()).not.toContain("hang");
    });

    it("run validate hooks next to the built-in validation", async () => {
      const res = await call("POST", "/api/collections/orders/records", { title: "Crates", qty: 500 });
      expect(res.status).toBe(400);
      expect((res.body as { data: Record<string, unknown> }).data).toHaveProperty(
        "qty.code",
        "validation_max",
      );
      expect(await orders()).not.toContain("Crates");
    });

    it("roll back the insert and the hook's own writes when a hook throws after e.next()", async () => {
      const res = await call("POST", "/api/collections/orders/records", { title: "explode after insert" });
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toMatch(/a bug in a hook|at .*\.ts/);
      expect(await orders()).not.toContain("explode after insert");
      const messages = await logs();
      expect(messages).not.toContain("created explode-after-insert");
      // The after-error hook ran once the transaction had rolled back.
      expect(messages).toContain("rolled back explode after insert");
    });

    it("let update hooks change values, which are validated and saved", async () => {
      const created = await su.collection("orders").create({ title: "Bowls", qty: 1 });
      const updated = await su.collection("orders").update(created.id, { qty: 13 });
      expect(updated.qty).toBe(12);
      expect((await su.collection("orders").getOne(created.id)).qty).toBe(12);
    });

    it("let a request hook refuse a delete, with the record as stored", async () => {
      const locked = await su.collection("orders").create({ title: "Vault", locked: true });
      const res = await call("DELETE", `/api/collections/orders/records/${locked.id}`);
      expect(res.status).toBe(403);
      expect((res.body as { message: string }).message).toBe("Locked orders can't be deleted.");
      expect(await orders()).toContain("Vault");
      const loose = await su.collection("orders").create({ title: "Loose" });
      await su.collection("orders").delete(loose.id);
      expect(await orders()).not.toContain("Loose");
    });

    it("let a list hook change the page after e.next()", async () => {
      const page = await server.client().collection("orders").getList(1, 5);
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.every((i) => i.listed === true)).toBe(true);
    });

    it("fire the hooks for each request of a batch, and the error hooks when the batch rolls back", async () => {
      const batch = su.createBatch();
      batch.collection("orders").create({ title: "Batch One" });
      batch.collection("orders").create({ title: "forbidden" });
      await expect(batch.send()).rejects.toMatchObject({ status: 400 });
      expect(await orders()).not.toContain("Batch One");
      const messages = await logs();
      // Both error hooks ran after the batch's rollback, and their own writes stayed.
      expect(messages).toContain("rolled back Batch One");
      expect(messages).toContain("rolled back forbidden");
      expect(messages).not.toContain("committed batch-one");

      const ok = su.createBatch();
      ok.collection("orders").create({ title: "Batch Two" });
      const [result] = await ok.send();
      expect(result?.body.slug).toBe("batch-two");
      expect(await logs()).toContain("committed batch-two");
    });
  });

  describe("auth hooks", () => {
    it("can refuse a sign-in and add to the response", async () => {
      const ann = server.client();
      const auth = await ann.collection("users").authWithPassword("ann@example.com", "a good long password");
      expect(auth.meta).toEqual({ greeted: "password" });
      await expect(
        server.client().collection("users").authWithPassword("bob@example.com", "a good long password"),
      ).rejects.toMatchObject({ status: 403, response: { message: "This account is suspended." } });
    });
  });

  describe("custom routes", () => {
    it("serve path values and import npm packages from the app's node_modules", async () => {
      const res = await call("GET", "/api/hello/W%C3%B6rld");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: "Hello, Wörld!" });
      const rest = await call("GET", "/api/shop/files/a/b/c.txt");
      expect(rest.text).toBe("a/b/c.txt");
    });

    it("guard routes with requireSuperuser and requireAuth", async () => {
      expect((await call("POST", "/api/shop/close-day")).status).toBe(401);
      const ann = server.client();
      await ann.collection("users").authWithPassword("ann@example.com", "a good long password");
      const asUser = await call("POST", "/api/shop/close-day", undefined, ann.authStore.token);
      expect(asUser.status).toBe(403);
      const asSu = await call("POST", "/api/shop/close-day", undefined, su.authStore.token);
      expect(asSu.status).toBe(200);
      expect(asSu.body).toMatchObject({ by: su.authStore.record?.id });
      expect((asSu.body as { open: number }).open).toBeGreaterThan(0);

      const me = await call("GET", "/api/shop/me", undefined, ann.authStore.token);
      expect(me.body).toEqual({ id: ann.authStore.record?.id, collection: "users" });
      expect((await call("GET", "/api/shop/me", undefined, su.authStore.token)).status).toBe(403);
    });

    it("answer a throwing or hanging route with a clean 500 and stay healthy", async () => {
      const bug = await call("GET", "/api/shop/bug");
      expect(bug.status).toBe(500);
      expect(bug.body).toEqual({ status: 500, message: expect.any(String), data: {} });
      expect(bug.text).not.toContain("a bug in a route");
      const started = Date.now();
      const hang = await call("GET", "/api/shop/hang");
      expect(hang.status).toBe(500);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await call("GET", "/api/health")).status).toBe(200);
    });

    it("leave unknown paths a 404 in the API's shape, and never shadow Backroom's own routes", async () => {
      const res = await call("GET", "/api/shop/nothing-here");
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ status: 404, message: expect.any(String), data: {} });
      expect((await call("GET", "/api/collections/orders/records")).status).toBe(200);
    });

    it("verify signed incoming webhooks over the raw body", async () => {
      const body = '{"amount": 1250,  "currency":"eur"}';
      const headers = {
        "content-type": "application/json",
        "stripe-signature": signWebhook("whsec_shop", body),
      };
      const ok = await raw(server.url, "/api/shop/payments", { method: "POST", body, headers });
      expect(ok.status).toBe(200);
      expect(await logs()).toContain("paid 1250");
      const tampered = await raw(server.url, "/api/shop/payments", {
        method: "POST",
        body: body.replace("1250", "9999"),
        headers,
      });
      expect(tampered.status).toBe(400);
      expect(await logs()).not.toContain("paid 9999");
      const malformed = await raw(server.url, "/api/shop/payments", {
        method: "POST",
        body: "{not json",
        headers: { "content-type": "application/json" },
      });
      expect(malformed.status).toBe(400);
    });

    it("enqueue durable jobs that the hooks define", async () => {
      const res = await call("POST", "/api/shop/jobs", { invoice: 42 });
      expect(res.status).toBe(202);
      expect(res.body).toHaveProperty("id");
      await waitUntil(async () => (await logs()).includes('job {"invoice":42}'), "the job to run");
    });
  });
});
