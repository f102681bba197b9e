import { createHash } from "node:crypto";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRawError, expectSdkError, raw, sdk, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

interface CreatedKey {
  id: string;
  name: string;
  key: string;
  scopes: unknown;
  created: string;
}

describe.each(await storesUnderTest())("API keys (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let orders: string;
  let notes: string;

  /** An SDK client that sends the key as its token (raw, as the SDK sends tokens). */
  const keyClient = (key: string) => {
    const pb = sdk(new PocketBase(server.url));
    pb.authStore.save(key);
    return pb;
  };
  const createKey = (body: unknown) => su.send<CreatedKey>("/api/keys", { method: "POST", body });
  const auditOf = (action: string, recordId: string) =>
    server.app.services.store.db
      .selectFrom("_audit")
      .selectAll()
      .where("action", "=", action)
      .where("record_id", "=", recordId)
      .executeTakeFirst();

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    orders = uniqueName("orders");
    notes = uniqueName("notes");
    // null rules: superusers only, so anything a key can do here it does through its scopes.
    for (const name of [orders, notes])
      await su.collections.create({ name, type: "base", fields: [{ name: "title", type: "text" }] });
    await su.collection(notes).create({ title: "private" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("create shows the key once; list never does; only its SHA-256 is stored", async () => {
    const created = await createKey({
      name: " shop sync ",
      scopes: [{ collection: orders, operations: ["list"] }],
    });
    expect(created.key).toMatch(/^bk_[A-Za-z0-9]{40}$/);
    expect(created).toMatchObject({
      name: "shop sync",
      scopes: [{ collection: orders, operations: ["list"] }],
    });
    expect(created.id).toMatch(/^[a-z0-9]{15}$/);

    const list = await su.send<Record<string, unknown>[]>("/api/keys", {});
    const listed = list.find((k) => k.id === created.id);
    expect(listed).toMatchObject({ name: "shop sync", prefix: created.key.slice(0, 9) });
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect(listed).not.toHaveProperty("hash");
    expect(listed).not.toHaveProperty("key");

    const row = await server.app.services.store.db
      .selectFrom("_api_keys")
      .selectAll()
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(row.hash).toBe(createHash("sha256").update(created.key).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(created.key);
    expect(await auditOf("apikey.create", created.id)).toMatchObject({ actor_collection: "_superusers" });
  });

  it("a scoped key acts like a superuser only for its collections and operations", async () => {
    const { key, id } = await createKey({
      name: "orders writer",
      scopes: [{ collection: orders, operations: ["list", "view", "create"] }],
    });
    for (const pb of [keyClient(key), keyClient(`Bearer ${key}`)]) {
      const order = await pb.collection(orders).create({ title: "one" });
      expect((await pb.collection(orders).getOne(order.id)).title).toBe("one");
      expect((await pb.collection(orders).getList()).totalItems).toBeGreaterThan(0);
      await expectSdkError(pb.collection(orders).update(order.id, { title: "two" }), 403);
      await expectSdkError(pb.collection(orders).delete(order.id), 403);
      await expectSdkError(pb.collection(notes).getList(), 403);
      await expectSdkError(pb.collection(notes).create({ title: "x" }), 403);
      await expectSdkError(pb.collections.getFullList(), 403);
      await expectSdkError(pb.settings.getAll(), 403);
      await expectSdkError(pb.send("/api/keys", {}), 403);
      await expectSdkError(pb.send("/api/audit", {}), 403);
      await expectSdkError(pb.collection("_superusers").getList(), 403);
      // the audit names the key
      expect(await auditOf("record.create", order.id)).toMatchObject({
        actor_collection: "_api_keys",
        actor_id: id,
      });
    }
  });

  it('"*" covers every collection except _superusers', async () => {
    const { key } = await createKey({
      name: "reader",
      scopes: [{ collection: "*", operations: ["list", "view"] }],
    });
    const pb = keyClient(key);
    expect((await pb.collection(notes).getList()).items[0]?.title).toBe("private");
    await pb.collection(orders).getList();
    await expectSdkError(pb.collection("_superusers").getList(), 403);
    await expectSdkError(pb.collection(notes).create({ title: "x" }), 403);
  });

  it("a revoked key is a guest; revoking twice is 404", async () => {
    const { key, id } = await createKey({
      name: "temp",
      scopes: [{ collection: orders, operations: ["list"] }],
    });
    const pb = keyClient(key);
    await pb.collection(orders).getList();
    await su.send(`/api/keys/${id}`, { method: "DELETE" });
    await expectSdkError(pb.collection(orders).getList(), 403); // the null rule: superusers only
    await expectSdkError(pb.send("/api/keys", {}), 401);
    await expectSdkError(pb.collections.getFullList(), 401);
    await expectSdkError(su.send(`/api/keys/${id}`, { method: "DELETE" }), 404);
    expect((await su.send<{ id: string }[]>("/api/keys", {})).some((k) => k.id === id)).toBe(false);
    expect(await auditOf("apikey.revoke", id)).toMatchObject({ actor_collection: "_superusers" });
  });

  it("an unknown key of the right shape is a guest", async () => {
    const pb = keyClient(`bk_${"A".repeat(40)}`);
    await expectSdkError(pb.send("/api/keys", {}), 401);
  });

  it("only superusers manage keys", async () => {
    const guest = sdk(server.client());
    await expectSdkError(guest.send("/api/keys", { method: "POST", body: { name: "x", scopes: [] } }), 401);
    await expectSdkError(guest.send("/api/keys", {}), 401);
    await expectSdkError(guest.send("/api/keys/abc", { method: "DELETE" }), 401);
  });

  it("hostile input → 4xx in the error shape, no key created", async () => {
    const count = async () => (await su.send<unknown[]>("/api/keys", {})).length;
    const before = await count();
    const ok = [{ collection: orders, operations: ["list"] }];
    const bodies: unknown[] = [
      {},
      [],
      "x",
      { name: "x" },
      { scopes: ok },
      { name: "", scopes: ok },
      { name: "x".repeat(300), scopes: ok },
      { name: 5, scopes: ok },
      { name: "x", scopes: [] },
      { name: "x", scopes: "orders" },
      { name: "x", scopes: [null] },
      { name: "x", scopes: [{ collection: orders }] },
      { name: "x", scopes: [{ collection: orders, operations: ["drop"] }] },
      { name: "x", scopes: [{ collection: orders, operations: [] }] },
      { name: "x", scopes: [{ collection: "_superusers", operations: ["list"] }] },
      { name: "x", scopes: [{ collection: "a b; drop", operations: ["list"] }] },
      { name: "x", scopes: [{ collection: "x".repeat(300), operations: ["list"] }] },
      { name: "x", scopes: Array.from({ length: 101 }, () => ok[0]) },
    ];
    for (const body of bodies)
      expectRawError(
        await raw(server.url, "/api/keys", { method: "POST", body, token: su.authStore.token }),
        400,
      );
    expectRawError(
      await raw(server.url, "/api/keys", { method: "POST", body: "{", token: su.authStore.token }),
      400,
    );
    for (const id of ["nosuchkey", "x".repeat(300), "..%2F"])
      expectRawError(
        await raw(server.url, `/api/keys/${id}`, { method: "DELETE", token: su.authStore.token }),
        404,
      );
    expect(await count()).toBe(before);
  });
});
