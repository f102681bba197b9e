import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRecords, expectErrorBody, expectSdkError, raw, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";
import { clientFrom, limit, setLimits, uniqueIp } from "./rate-limit-test-clients.js";

describe.each(await storesUnderTest())("rate limits over HTTP (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let notes: string;
  const password = "a good long password";
  let email: string;

  beforeAll(async () => {
    server = await startServer(kind, { rateLimits: true });
    su = await server.superuserClient();
    notes = uniqueName("notes");
    await su.collections.create({
      name: notes,
      type: "base",
      fields: [{ name: "text", type: "text" }],
      listRule: "",
      viewRule: "",
      createRule: "",
      updateRule: "",
      deleteRule: "",
    } as never);
    email = `${uniqueName("u")}@example.com`;
    await su.collection("users").create({ email, password, passwordConfirm: password });
  });
  afterAll(async () => {
    await server?.close();
  });

  const signIn = (pb: PocketBase, pw = password) => pb.collection("users").authWithPassword(email, pw);

  it("refuses past the limit with 429, the error shape and Retry-After, per client address", async () => {
    await setLimits(su, [limit("*:auth", 2, 30)]);
    const ip = uniqueIp();
    await signIn(clientFrom(server.url, ip));
    await expectSdkError(signIn(clientFrom(server.url, ip), "wrong password!"), 400);
    // The right password doesn't help once the limit is reached.
    const err = await expectSdkError(signIn(clientFrom(server.url, ip)), 429);
    expect(err.response).toEqual({ status: 429, message: "Too Many Requests.", data: {} });
    const res = await raw(server.url, "/api/collections/users/auth-with-password", {
      method: "POST",
      body: { identity: email, password },
      headers: { "x-forwarded-for": ip },
    });
    expectErrorBody(res.body, 429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    // Another address has its own counter.
    await signIn(clientFrom(server.url, uniqueIp()));
  });

  it("applies the most specific rule: collection tag over wildcard over path", async () => {
    await setLimits(su, [limit("/api/", 100), limit("*:list", 50), limit(`${notes}:list`, 1)]);
    const pb = clientFrom(server.url, uniqueIp());
    await pb.collection(notes).getList();
    await expectSdkError(pb.collection(notes).getList(), 429);
    await pb.collection("users").getList(); // another collection: *:list, untouched
    await pb.collection("users").getList();
  });

  it("matches METHOD + path labels and path prefixes", async () => {
    await setLimits(su, [limit("GET /api/health", 1), limit("/api/collections/", 1)]);
    const ip = uniqueIp();
    expect((await raw(server.url, "/api/health", { headers: { "x-forwarded-for": ip } })).status).toBe(200);
    expect((await raw(server.url, "/api/health/", { headers: { "x-forwarded-for": ip } })).status).toBe(429);
    const pb = clientFrom(server.url, ip);
    await pb.collection(notes).getList();
    await expectSdkError(pb.collection(notes).getOne("nonexistent00000"), 429);
  });

  it("limits an audience only: @guest rules pass signed-in users, superusers are exempt", async () => {
    await setLimits(su, [limit("/api/", 1, 60, "@guest")]);
    const ip = uniqueIp();
    const guest = clientFrom(server.url, ip);
    await guest.collection(notes).getList();
    await expectSdkError(guest.collection(notes).getList(), 429);
    const user = clientFrom(server.url, ip, (await signIn(clientFrom(server.url, uniqueIp()))).token);
    await user.collection(notes).getList();
    await user.collection(notes).getList();
    for (let i = 0; i < 3; i++) await su.collection(notes).getList();
  });

  it("counts batch sub-requests as the routes they stand for, before running any", async () => {
    await setLimits(su, [limit("*:create", 3), limit("/api/batch", 100)]);
    const ip = uniqueIp();
    const pb = clientFrom(server.url, ip);
    const before = await countRecords(su, notes);
    const tooBig = pb.createBatch();
    for (let i = 0; i < 4; i++) tooBig.collection(notes).create({ text: `b${i}` });
    await expectSdkError(tooBig.send(), 429);
    expect(await countRecords(su, notes)).toBe(before);

    const ip2 = uniqueIp();
    const pb2 = clientFrom(server.url, ip2);
    const two = pb2.createBatch();
    two.collection(notes).create({ text: "x" });
    two.collection(notes).upsert({ text: "y" });
    await two.send();
    await pb2.collection(notes).create({ text: "z" });
    await expectSdkError(pb2.collection(notes).create({ text: "over" }), 429);
    const res = await raw(server.url, "/api/batch", {
      method: "POST",
      body: { requests: [{ method: "POST", url: `/api/collections/${notes}/records`, body: {} }] },
      headers: { "x-forwarded-for": ip2 },
    });
    expectErrorBody(res.body, 429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("records the trusted client address in the audit log", async () => {
    await setLimits(su, [limit("*:auth", 100)]);
    const ip = uniqueIp();
    await expectSdkError(signIn(clientFrom(server.url, ip), "not the password"), 400);
    const page = (await su.send("/api/audit", {
      query: { filter: `action = "auth.login_failed"`, sort: "-created", perPage: 5 },
    })) as { items: { ip: string }[] };
    expect(page.items.map((i) => i.ip)).toContain(ip);
  });

  it("does nothing when disabled", async () => {
    await su.settings.update({ rateLimits: { enabled: false, rules: [limit("/api/", 1)] } });
    const pb = clientFrom(server.url, uniqueIp());
    for (let i = 0; i < 3; i++) await pb.collection(notes).getList();
  });
});
