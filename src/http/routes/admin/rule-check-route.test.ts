import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRawError, raw, signedInUser } from "../../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../../test-support/server.js";

const PATH = "/api/admin/rules/check";

describe.each(await storesUnderTest())("POST /api/admin/rules/check (%s)", (kind) => {
  let server: TestServer;
  let token: string;
  const check = (body: unknown, auth = token) => raw(server.url, PATH, { method: "POST", body, token: auth });
  const draft = {
    name: "articles",
    type: "base",
    fields: [
      { name: "title", type: "text" },
      { name: "owner", type: "relation", collectionId: "users", maxSelect: 1 },
    ],
  };

  beforeAll(async () => {
    server = await startServer(kind);
    token = (await server.superuserClient()).authStore.token;
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([
    'title != ""',
    '@request.auth.id != "" && owner = @request.auth.id',
    'owner.name ~ "a" || @request.body.title:isset = true',
    "",
    "   ",
  ])("a valid rule for an unsaved draft: %j → 204", async (rule) => {
    const res = await check({ collection: draft, rule });
    expect(res.status, res.text).toBe(204);
  });

  it("checks against a saved collection when the draft carries its id", async () => {
    const users = (await raw(server.url, "/api/collections/users", { token })).body as { id: string };
    const ok = await check({
      collection: { id: users.id, name: "users" },
      rule: "verified = true && name != ''",
    });
    expect(ok.status, ok.text).toBe(204);
  });

  it.each([
    ["an unknown field", "nosuchfield = 1", /nosuchfield/],
    ["a syntax error", "title = ", /./],
    ["an unknown macro", "title = @nope", /./],
    ["a path through a non-relation", "title.x = 1", /./],
  ])("%s is a 400 naming the problem in data.rule", async (_what, rule, message) => {
    const res = await check({ collection: draft, rule });
    expectRawError(res, 400);
    const data = (res.body as { data: { rule?: { code: string; message: string } } }).data;
    expect(data.rule?.code).toBe("validation_invalid_rule");
    expect(data.rule?.message).toMatch(message);
  });

  it("hostile bodies are 400s in the error shape", async () => {
    for (const body of ["{not json", "[]", "null", '"x"']) expectRawError(await check(body), 400);
    expectRawError(await check({ collection: draft }), 400);
    expectRawError(await check({ collection: draft, rule: 42 }), 400);
    expectRawError(await check({ collection: "posts", rule: "" }), 400);
    expectRawError(await check({ collection: draft, rule: `title = "${"x".repeat(20_000)}"` }), 400);
    expectRawError(await check({ collection: { ...draft, fields: "nope" }, rule: "title = 1" }), 400);
    expectRawError(await check({ collection: { ...draft, type: "nope" }, rule: "title = 1" }), 400);
  });

  it("is for superusers only", async () => {
    expectRawError(await check({ collection: draft, rule: "" }, ""), 401);
    const user = await signedInUser(() => server.client());
    expectRawError(await check({ collection: draft, rule: "" }, user.pb.authStore.token), 403);
  });
});
