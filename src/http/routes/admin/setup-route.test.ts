import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issueSetupToken, SETUP_TOKEN_TTL_MS } from "../../../admin/setup-token.js";
import { expectRawError, raw } from "../../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../../test-support/server.js";

const PASSWORD = "a sound first password";
const tokenOf = (link: string | null) => {
  expect(link, "a fresh install has a setup link").toMatch(/\/_\/#\/setup\/[A-Za-z0-9_-]{43}$/);
  return (link as string).split("/setup/")[1] as string;
};
const setup = (server: TestServer, body: unknown) =>
  raw(server.url, "/api/admin/setup", { method: "POST", body });
/** A well-formed setup request for `token`; `fields` replaces the email or passwords. */
const setupWith = (
  server: TestServer,
  token: unknown,
  fields: { email?: string; password?: string; passwordConfirm?: string } = {},
) =>
  setup(server, { token, email: "a@example.com", password: PASSWORD, passwordConfirm: PASSWORD, ...fields });

describe.each(await storesUnderTest())("first-run setup (%s)", (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer(kind, { noSuperuser: true });
  });
  afterEach(async () => {
    await server?.close();
  });

  it("the link creates the first superuser once and signs them in", async () => {
    const link = server.app.setupLink();
    expect(link?.startsWith(`${server.url}/_/#/setup/`)).toBe(true);
    const token = tokenOf(link);
    const res = await setupWith(server, token, { email: "Owner@Example.com" });
    expect(res.status, res.text).toBe(200);
    const body = res.body as { token: string; record: { email: string; collectionName: string } };
    expect(body.record.collectionName).toBe("_superusers");
    expect(body.record.email).toBe("owner@example.com");
    // The token it returns is a working superuser token.
    const collections = await raw(server.url, "/api/collections", { token: body.token });
    expect(collections.status).toBe(200);
    // The password works through the ordinary sign-in too.
    const pb = server.client();
    await pb.collection("_superusers").authWithPassword("owner@example.com", PASSWORD);
    expect(pb.authStore.isSuperuser).toBe(true);

    const again = await setupWith(server, token, { email: "second@example.com" });
    expectRawError(again, 400);
    const su = await server.superuserClient().catch(() => null);
    expect(su, "the test superuser was never created on this server").toBeNull();
    const count = await raw(server.url, "/api/collections/_superusers/records", { token: body.token });
    expect((count.body as { totalItems: number }).totalItems).toBe(1);
  });

  it("creates one superuser when two nodes' links are used at the same moment", async () => {
    const first = tokenOf(server.app.setupLink());
    // A second node prints its own link for the same database.
    const second = await issueSetupToken(server.app.services.store);
    const answers = await Promise.all(
      [
        [first, "one@example.com"],
        [second, "two@example.com"],
      ].map(([token, email]) => setupWith(server, token, { email })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    const winner = answers.find((a) => a.status === 200)?.body as { token: string };
    const list = await raw(server.url, "/api/collections/_superusers/records", { token: winner.token });
    expect((list.body as { totalItems: number }).totalItems).toBe(1);
  });

  it("refuses a wrong, malformed or missing token", async () => {
    tokenOf(server.app.setupLink());
    for (const token of ["x".repeat(43), "short", "../../etc/passwd", 42, "", null]) {
      const res = await setupWith(server, token);
      expectRawError(res, 400);
      expect(Object.keys((res.body as { data: object }).data)).toEqual(["token"]);
    }
  });

  it("refuses an expired token", async () => {
    const expired = await issueSetupToken(server.app.services.store, Date.now() - SETUP_TOKEN_TTL_MS - 1000);
    const res = await setupWith(server, expired);
    expectRawError(res, 400);
    expect((res.body as { message: string }).message).toMatch(/expired/);
  });

  it("a weak password or a mismatch is a field error, and the token still works afterwards", async () => {
    const token = tokenOf(server.app.setupLink());
    const weak = await setupWith(server, token, { password: "short", passwordConfirm: "short" });
    expectRawError(weak, 400);
    expect(Object.keys((weak.body as { data: object }).data)).toContain("password");
    const mismatch = await setupWith(server, token, { passwordConfirm: `${PASSWORD}!` });
    expectRawError(mismatch, 400);
    expect(Object.keys((mismatch.body as { data: object }).data)).toContain("passwordConfirm");
    const badEmail = await setupWith(server, token, { email: "not an email" });
    expectRawError(badEmail, 400);
    expect(Object.keys((badEmail.body as { data: object }).data)).toContain("email");
    const ok = await setupWith(server, token);
    expect(ok.status, ok.text).toBe(200);
  });

  it("malformed bodies are 400s in the error shape", async () => {
    for (const body of ["{not json", "[]", '"text"', "null"]) {
      const res = await setup(server, body);
      expectRawError(res, 400);
    }
    const empty = await setup(server, {});
    expectRawError(empty, 400);
    expect(Object.keys((empty.body as { data: object }).data).sort()).toEqual([
      "email",
      "password",
      "passwordConfirm",
      "token",
    ]);
  });

  it("a valid token is refused once a superuser exists by other means", async () => {
    const token = tokenOf(server.app.setupLink());
    await server.app.services.records.create(
      "_superusers",
      { email: "cli@example.com", password: PASSWORD, passwordConfirm: PASSWORD, verified: true },
      {
        auth: null,
        superuser: true,
        query: {},
        headers: {},
        method: "POST",
        context: "default",
        requestId: "",
        ip: "",
      },
    );
    const res = await setupWith(server, token);
    expectRawError(res, 400);
    expect((res.body as { message: string }).message).toMatch(/already exists/);
  });
});

describe("a server that already has a superuser", () => {
  it("prints no setup link", async () => {
    const server = await startServer("sqlite");
    try {
      expect(server.app.setupLink()).toBeNull();
    } finally {
      await server.close();
    }
  });
});
