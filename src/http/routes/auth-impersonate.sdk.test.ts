import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRawError, expectSdkError, raw, sdk, signedInUser } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString()) as Record<string, unknown>;

describe.each(await storesUnderTest())("impersonate (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("a superuser gets a non-refreshable token that acts as the record; the audit names the superuser", async () => {
    const { id, email } = await signedInUser(() => server.client());
    const as = sdk(await su.collection("users").impersonate(id, 3600));
    const claims = claimsOf(as.authStore.token);
    expect(claims).toMatchObject({ id, type: "auth", refreshable: false });
    expect(Number(claims.exp) - Date.now() / 1000).toBeGreaterThan(3590);
    expect(Number(claims.exp) - Date.now() / 1000).toBeLessThanOrEqual(3600);
    expect(as.authStore.record?.email).toBe(email);
    expect((await as.collection("users").getOne(id)).email).toBe(email);
    await expectSdkError(as.collection("users").authRefresh(), 403);

    const entry = await server.app.services.store.db
      .selectFrom("_audit")
      .selectAll()
      .where("action", "=", "auth.impersonate")
      .where("record_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(entry.actor_collection).toBe("_superusers");
    expect(entry.actor_id).toBe(su.authStore.record?.id);
  });

  it("duration 0 means the collection's auth token duration", async () => {
    const { id } = await signedInUser(() => server.client());
    const { authToken } = (await su.collections.getOne("users")) as unknown as {
      authToken: { duration: number };
    };
    expect(authToken.duration).toBe(432_000); // PocketBase v0.39's default: 5 days
    const as = await su.collection("users").impersonate(id, 0);
    const left = Number(claimsOf(as.authStore.token).exp) - Date.now() / 1000;
    expect(left).toBeGreaterThan(authToken.duration - 10);
    expect(left).toBeLessThanOrEqual(authToken.duration);
  });

  it("users and guests are refused; unknown records are 404", async () => {
    const user = await signedInUser(() => server.client());
    const other = await signedInUser(() => server.client());
    await expectSdkError(user.pb.collection("users").impersonate(other.id, 60), 403);
    await expectSdkError(sdk(server.client()).collection("users").impersonate(other.id, 60), 401);
    await expectSdkError(su.collection("users").impersonate("nosuchrecord123", 60), 404);
    await expectSdkError(su.collection("nosuchcollection").impersonate(other.id, 60), 404);
  });

  it("hostile input → 4xx in the error shape, nothing logged", async () => {
    const { id } = await signedInUser(() => server.client());
    const countAudit = async () =>
      (
        await server.app.services.store.db
          .selectFrom("_audit")
          .select("id")
          .where("action", "=", "auth.impersonate")
          .execute()
      ).length;
    const before = await countAudit();
    const post = (path: string, body: unknown) =>
      raw(server.url, path, { method: "POST", body, token: su.authStore.token });
    for (const duration of ["60", -1, 1.5, 1e20, {}, [60], true])
      expectRawError(await post(`/api/collections/users/impersonate/${id}`, { duration }), 400);
    expectRawError(await post(`/api/collections/users/impersonate/${id}`, [1]), 400);
    expectRawError(await post(`/api/collections/users/impersonate/${id}`, "x"), 400);
    expectRawError(await post(`/api/collections/users/impersonate/${"x".repeat(300)}`, {}), 404);
    expectRawError(await post("/api/collections/users/impersonate/..%2F..%2Fetc", {}), 404);
    expect(await countAudit()).toBe(before);
  });
});
