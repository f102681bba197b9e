import { SignJWT } from "jose";
import type PocketBase from "pocketbase";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../auth/tokens.js";
import { countRecords, expectRawError, type RawResponse, raw, uniqueName } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";

/** Malformed bodies every JSON endpoint must refuse at the door (expected status, or a list of acceptable ones). */
const PARSER_BODIES: [string, string, number | number[], string?][] = [
  ["invalid JSON", '{"title": "x",', 400],
  ["a lone brace", "{", 400],
  ["trailing garbage", '{"title":"x"} {"title":"y"}', 400],
  ["__proto__ at the top", '{"title":"x","__proto__":{"polluted":"yes"}}', 400],
  ["constructor.prototype at the top", '{"title":"x","constructor":{"prototype":{"polluted":"yes"}}}', 400],
  ["prototype at the top", '{"title":"x","prototype":{"polluted":"yes"}}', 400],
  ["__proto__ nested in an array", '{"title":"x","meta":{"a":[{"__proto__":{"polluted":"yes"}}]}}', 400],
  ["constructor nested", '{"title":"x","meta":{"b":{"constructor":{"prototype":{"polluted":"yes"}}}}}', 400],
  ["arrays nested 1000 levels", `{"meta":${"[".repeat(1000)}${"]".repeat(1000)}}`, 400],
  ["objects nested 1000 levels", `{"meta":${'{"a":'.repeat(1000)}1${"}".repeat(1000)}}`, 400],
  ["text/plain", '{"title":"x"}', [400, 415], "text/plain"],
  ["application/xml", "<title>x</title>", 415, "application/xml"],
  ["a made-up content type", '{"title":"x"}', 415, "application/x-evil"],
];

/** Well-formed JSON of the wrong shape: endpoints that read a body must refuse it. */
const SHAPE_BODIES: [string, string][] = [
  ["a JSON array", '[{"title":"x"}]'],
  ["a JSON string", '"title"'],
  ["a JSON number", "42"],
  ["JSON true", "true"],
];

describe.each(await storesUnderTest())("hostile and malformed input (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let token: string;
  let things: string;
  let thingId: string;
  let userToken: string;
  let userId: string;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    token = su.authStore.token;
    things = uniqueName("things");
    await su.collections.create({
      name: things,
      type: "base",
      fields: [
        { name: "title", type: "text", max: 100 },
        { name: "total", type: "number" },
        { name: "flag", type: "bool" },
        { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
        { name: "meta", type: "json" },
        { name: "when", type: "date" },
        { name: "spot", type: "geoPoint" },
      ],
      listRule: "",
      viewRule: "",
      createRule: "",
      updateRule: "",
      deleteRule: "",
    } as never);
    thingId = (await su.collection(things).create({ title: "seed", total: 1, tags: ["a"] })).id;
    const email = `${uniqueName("u")}@example.com`;
    await server
      .client()
      .collection("users")
      .create({ email, password: "a long password", passwordConfirm: "a long password" });
    const userAuth = await server.client().collection("users").authWithPassword(email, "a long password");
    userToken = userAuth.token;
    userId = userAuth.record.id;
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(async () => {
    const health = await raw(server.url, "/api/health");
    expect(health.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const snapshot = async () => ({
    things: await countRecords(su, things),
    users: await countRecords(su, "users"),
    superusers: await countRecords(su, "_superusers"),
    collections: (await su.collections.getList(1, 1)).totalItems,
    seed: JSON.stringify(await su.collection(things).getOne(thingId)),
  });

  /** Every endpoint that takes a JSON body, with a caller allowed to reach it. */
  const bodyEndpoints = (): {
    label: string;
    method: string;
    path: string;
    token?: string;
    readsBody: boolean;
  }[] => [
    {
      label: "create record (guest)",
      method: "POST",
      path: `/api/collections/${things}/records`,
      readsBody: true,
    },
    {
      label: "create record (superuser)",
      method: "POST",
      path: `/api/collections/${things}/records`,
      token,
      readsBody: true,
    },
    {
      label: "update record",
      method: "PATCH",
      path: `/api/collections/${things}/records/${thingId}`,
      token,
      readsBody: true,
    },
    { label: "sign up", method: "POST", path: "/api/collections/users/records", readsBody: true },
    {
      label: "update own user",
      method: "PATCH",
      path: `/api/collections/users/records/${userId}`,
      token: userToken,
      readsBody: true,
    },
    { label: "create collection", method: "POST", path: "/api/collections", token, readsBody: true },
    {
      label: "update collection",
      method: "PATCH",
      path: `/api/collections/${things}`,
      token,
      readsBody: true,
    },
    { label: "import collections", method: "PUT", path: "/api/collections/import", token, readsBody: true },
    {
      label: "auth-with-password",
      method: "POST",
      path: "/api/collections/users/auth-with-password",
      readsBody: true,
    },
    {
      label: "auth-refresh",
      method: "POST",
      path: "/api/collections/_superusers/auth-refresh",
      token,
      readsBody: false,
    },
    { label: "batch", method: "POST", path: "/api/batch", token, readsBody: true },
  ];

  describe("malformed bodies on every JSON endpoint", () => {
    it.each(PARSER_BODIES)("%s → %s, nothing written", async (_label, body, status, contentType) => {
      const allowed = Array.isArray(status) ? status : [status];
      for (const ep of bodyEndpoints()) {
        const before = await snapshot();
        const res = await raw(server.url, ep.path, {
          method: ep.method,
          body,
          headers: { "content-type": contentType ?? "application/json" },
          ...(ep.token ? { token: ep.token } : {}),
        });
        if (contentType === "text/plain" && !ep.readsBody) {
          // A route that ignores its body may accept text it never reads.
          expect(res.status, ep.label).toBeLessThan(500);
        } else {
          expect(allowed, `${ep.label}: ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
          expectRawError(res, res.status);
        }
        expect(await snapshot(), ep.label).toEqual(before);
      }
    });

    it.each(SHAPE_BODIES)(
      "%s instead of an object → 400 where a body is read, nothing written",
      async (_label, body) => {
        for (const ep of bodyEndpoints()) {
          const before = await snapshot();
          const res = await raw(server.url, ep.path, {
            method: ep.method,
            body,
            ...(ep.token ? { token: ep.token } : {}),
          });
          if (ep.readsBody) {
            expect(res.status, `${ep.label}: ${res.text.slice(0, 200)}`).toBe(400);
            expectRawError(res, 400);
          } else {
            expect(res.status, ep.label).toBeLessThan(500);
          }
          expect(await snapshot(), ep.label).toEqual(before);
        }
      },
    );

    it("an invalid JSON body's message says where it breaks", async () => {
      const before = await snapshot();
      const res = await raw(server.url, `/api/collections/${things}/records`, {
        method: "POST",
        body: '{\n  "title": "x",\n  "tags": ["a", "b",],\n}',
        token,
      });
      expectRawError(res, 400);
      expect((res.body as { message: string }).message).toBe(
        "The request body is not valid JSON (line 3, column 21).",
      );
      expect(await snapshot()).toEqual(before);
    });

    it("JSON with a charset parameter and an empty JSON body are accepted", async () => {
      const res = await raw(server.url, `/api/collections/${things}/records`, {
        method: "POST",
        body: '{"title":"charset ok"}',
        headers: { "content-type": "application/json; charset=utf-8" },
      });
      expect(res.status).toBe(200);
      expect((res.body as { title: string }).title).toBe("charset ok");
      const empty = await raw(server.url, `/api/collections/${things}/records/${thingId}`, {
        method: "PATCH",
        body: "",
        headers: { "content-type": "application/json" },
      });
      expect(empty.status).toBe(200);
      await su.collection(things).delete((res.body as { id: string }).id);
    });

    it("JSON nested just under the limit inside a json field is stored", async () => {
      const deep = JSON.parse(`${"[".repeat(40)}1${"]".repeat(40)}`);
      const r = await su.collection(things).create({ meta: deep });
      expect(JSON.stringify(r.meta)).toBe(JSON.stringify(deep));
      await su.collection(things).delete(r.id);
    });
  });

  describe("hostile values in record bodies", () => {
    const create = (body: string) =>
      raw(server.url, `/api/collections/${things}/records`, { method: "POST", body, token });

    it.each([
      ["a number too big for a double (1e309)", '{"total": 1e309}', "total"],
      ["NaN as a string", '{"total": "NaN"}', "total"],
      ["Infinity as a string", '{"total": "Infinity"}', "total"],
      ["-Infinity as a string", '{"total": "-Infinity"}', "total"],
      ["1e999 as a string", '{"total": "1e999"}', "total"],
      ["hex as a string", '{"total": "0x1F"}', "total"],
      ["digits with letters", '{"total": "12abc"}', "total"],
      ["an array for a number", '{"total": [1, 2]}', "total"],
      ["an operator object for a number", '{"total": {"$gt": 0}}', "total"],
      ["an array for a text", '{"title": ["a", "b"]}', "title"],
      ["an object for a text", '{"title": {"toString": "x"}}', "title"],
      ["a string for a bool", '{"flag": "definitely"}', "flag"],
      ["nested arrays for a select", '{"tags": [["a"]]}', "tags"],
      ["an object for a select", '{"tags": {"0": "a"}}', "tags"],
      ["a bad date", '{"when": "2024-13-45 99:99:99"}', "when"],
      ["a string for a geoPoint", '{"spot": "here"}', "spot"],
      ["NaN-ish geoPoint", '{"spot": {"lon": "NaN", "lat": 1}}', "spot"],
      ["a text over its max", `{"title": "${"x".repeat(101)}"}`, "title"],
    ])("%s → 400 on that field, nothing written", async (_label, body, field) => {
      const before = await snapshot();
      const res = await create(body);
      expectRawError(res, 400);
      expect(Object.keys((res.body as { data: object }).data)).toContain(field);
      expect(await snapshot()).toEqual(before);
      const upd = await raw(server.url, `/api/collections/${things}/records/${thingId}`, {
        method: "PATCH",
        body,
        token,
      });
      expectRawError(upd, 400);
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      ["a NUL character", "a\u0000b"],
      ["a lone surrogate", "a\ud800b"],
      ["right-to-left override and zero-width chars", "a\u202e\u200bb"],
      ["emoji and combining marks", "🦜 ñ é"],
      ["SQL in a value", "x'); DROP TABLE users; --"],
    ])("text with %s is stored verbatim or refused with 400 (never 500)", async (_label, value) => {
      const before = await snapshot();
      const res = await create(JSON.stringify({ title: value }));
      expect([200, 400], res.text.slice(0, 200)).toContain(res.status);
      if (res.status === 200) {
        const id = (res.body as { id: string }).id;
        const back = await su.collection(things).getOne(id);
        expect(back.title).toBe((res.body as { title: string }).title);
        const found = await raw(
          server.url,
          `/api/collections/${things}/records?filter=${encodeURIComponent(`title = ${JSON.stringify(value)}`)}`,
        );
        expect([200, 400]).toContain(found.status);
        await su.collection(things).delete(id);
      } else {
        expectRawError(res, 400);
      }
      expect(await snapshot()).toEqual(before);
      expect(await countRecords(su, "users")).toBe(before.users);
    });

    it("a huge field count is handled", async () => {
      const body: Record<string, number> = {};
      for (let i = 0; i < 20_000; i++) body[`k${i}`] = i;
      body.title = 1;
      const res = await create(JSON.stringify(body));
      expect(res.status).toBe(200);
      expect((res.body as { title: string }).title).toBe("1");
      await su.collection(things).delete((res.body as { id: string }).id);
    });
  });

  describe("hostile list queries", () => {
    const list = (query: string, t?: string) =>
      raw(server.url, `/api/collections/${things}/records?${query}`, t ? { token: t } : {});
    const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

    it.each([
      ["a filter over 3500 characters", { filter: `title = "${"x".repeat(3600)}"` }],
      ["a filter syntax error (dangling operator)", { filter: "title =" }],
      ["a filter syntax error (==)", { filter: 'title == "x"' }],
      ["a filter syntax error (unterminated string)", { filter: 'title = "x' }],
      ["a filter syntax error (unbalanced parens)", { filter: '((title = "x")' }],
      ["a filter syntax error (lone &&)", { filter: "&&" }],
      ["a filter with a statement separator", { filter: "title = 'x'; DROP TABLE users; --" }],
      ["a filter with raw SQL", { filter: "1=1) OR (1=1" }],
      ["a filter on an unknown field", { filter: 'nope = "x"' }],
      ["a filter on an unknown relation path", { filter: 'title.name = "x"' }],
      ["a filter on an unknown macro", { filter: "created > @yesterdayish" }],
      ["a filter nested 100 parentheses deep", { filter: `${"(".repeat(100)}title = "x"${")".repeat(100)}` }],
      [
        "a filter with 300 comparisons",
        { filter: Array.from({ length: 300 }, (_, i) => `total=${i}`).join("||") },
      ],
      ["a sort on an unknown field", { sort: "nope" }],
      ["a sort with SQL", { sort: "title; DROP TABLE users" }],
      ["a sort with a function call", { sort: "random()" }],
      ["a sort with nine terms", { sort: "title,total,flag,tags,meta,when,created,updated,id" }],
      ["perPage negative", { perPage: "-5" }],
      ["perPage non-numeric", { perPage: "lots" }],
      ["perPage as a float", { perPage: "2.5" }],
      ["page negative", { page: "-1" }],
      ["page non-numeric", { page: "first" }],
      ["expand 7 levels deep", { expand: "a.b.c.d.e.f.g" }],
      ["expand with SQL", { expand: "author;DROP TABLE users" }],
      ["fields with a path escape", { fields: "../../etc/passwd" }],
    ])("%s → 400", async (_label, params) => {
      const before = await snapshot();
      const res = await list(q(params as Record<string, string>));
      expectRawError(res, 400);
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      ['title = "x\' OR 1=1 --"'],
      ['title = \'x" OR "1"="1\''],
      ['title = "\\" OR 1=1 --"'],
      ['title ~ "x\' OR 1=1 --"'],
      [String.raw`title = "seed\" || 1=1 || \""`],
    ])("SQL-looking values are literals: %s", async (filter) => {
      const res = await list(q({ filter }));
      expect(res.status, res.text.slice(0, 200)).toBe(200);
      expect((res.body as { items: unknown[] }).items).toEqual([]);
    });

    it("perPage 100000 is clamped to 1000", async () => {
      const res = await list(q({ perPage: "100000" }));
      expect(res.status).toBe(200);
      expect((res.body as { perPage: number }).perPage).toBe(1000);
    });

    it("page 0 is refused or treated as page 1", async () => {
      const res = await list(q({ page: "0" }));
      if (res.status === 200) expect((res.body as { page: number }).page).toBe(1);
      else expectRawError(res, 400);
    });

    it("a page far past the end is empty", async () => {
      const res = await list(q({ page: "999999999", perPage: "1000" }));
      expect(res.status, res.text.slice(0, 200)).toBe(200);
      expect((res.body as { items: unknown[] }).items).toEqual([]);
    });

    it("repeated query keys: the last one wins, no crash", async () => {
      const res = await list("perPage=5&perPage=7&filter=title%3D%22x%22&filter=");
      expect(res.status).toBe(200);
      expect((res.body as { perPage: number }).perPage).toBe(7);
    });

    it("a guest cannot filter on hidden auth fields", async () => {
      const res = await raw(
        server.url,
        `/api/collections/users/records?${q({ filter: 'password ~ "$argon"' })}`,
      );
      if (res.status === 200) expect((res.body as { totalItems: number }).totalItems).toBe(0);
      else expectRawError(res, 400);
    });
  });

  describe("weird ids and collection names", () => {
    it.each([
      ["dot-dot-slash (encoded)", "..%2F..%2Fetc%2Fpasswd"],
      ["a NUL byte", "abc%00def"],
      ["300 characters", "a".repeat(300)],
      ["unicode", encodeURIComponent("ñandú🦜")],
      ["a quote", encodeURIComponent("' OR '1'='1")],
      ["a wildcard", "*"],
      ["percent", "%25"],
    ])("record id with %s → 404 on view, update and delete", async (label, id) => {
      const before = await snapshot();
      const base = `/api/collections/${things}/records/${id}`;
      // An over-long path parameter may be refused as 414, but still in the API's error shape.
      const expected = label === "300 characters" ? [404, 414] : [404];
      for (const res of [
        await raw(server.url, base),
        await raw(server.url, base, { method: "PATCH", body: { title: "x" }, token }),
        await raw(server.url, base, { method: "DELETE", token }),
      ]) {
        expect(expected, res.text.slice(0, 200)).toContain(res.status);
        expectRawError(res, res.status);
      }
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      ["unknown", "no_such_collection"],
      ["internal table _collections", "_collections"],
      ["internal table _audit", "_audit"],
      ["internal table _migrations", "_migrations"],
      ["internal table _outbox", "_outbox"],
      ["internal table _params", "_params"],
      ["sqlite_master", "sqlite_master"],
      ["pg_catalog path", "pg_catalog.pg_tables"],
      ["dot-dot-slash", "..%2F_superusers"],
      ["a NUL byte", "users%00"],
      ["unicode", encodeURIComponent("ñandú")],
      ["300 characters", "c".repeat(300)],
      ["SQL", encodeURIComponent('users" WHERE 1=1 --')],
    ])("collection %s → 404 everywhere", async (label, name) => {
      const before = await snapshot();
      const expected = label === "300 characters" ? [404, 414] : [404];
      for (const res of [
        await raw(server.url, `/api/collections/${name}/records`, { token }),
        await raw(server.url, `/api/collections/${name}/records/abcdefghijklmno`, { token }),
        await raw(server.url, `/api/collections/${name}/records`, {
          method: "POST",
          body: { title: "x" },
          token,
        }),
        await raw(server.url, `/api/collections/${name}`, { token }),
        await raw(server.url, `/api/collections/${name}/auth-with-password`, {
          method: "POST",
          body: { identity: "a@b.c", password: "12345678" },
        }),
      ]) {
        expect(expected, res.text.slice(0, 200)).toContain(res.status);
        expectRawError(res, res.status);
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  describe("forged and broken tokens are treated as guests", () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

    async function forgedTokens(): Promise<[string, string][]> {
      const superusers = server.app.services.registry.get("_superusers");
      if (!superusers) throw new Error("no _superusers");
      const suRecord = await server.app.services.records.query.findOne(
        superusers,
        su.authStore.record?.id as string,
      );
      if (!suRecord) throw new Error("no superuser record");
      const claims = {
        id: suRecord.id,
        type: "auth",
        collectionId: superusers.id,
        refreshable: true,
        exp: Math.floor(Date.now() / 1000) + 3600,
      };
      const secret = ((superusers.auth as Record<string, unknown>).authToken as { secret: string }).secret;
      const rightKey = new TextEncoder().encode(String(suRecord.tokenKey) + secret);
      return [
        ["garbage", "garbage"],
        ["three garbage segments", "aaa.bbb.ccc"],
        ["an empty Bearer", "Bearer "],
        ["a 5000-char token", "x".repeat(5000)],
        ["alg=none", `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`],
        ["alg=none with a signature", `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.c2ln`],
        [
          "HS256 signed with a wrong key",
          await new SignJWT(claims)
            .setProtectedHeader({ alg: "HS256" })
            .sign(new TextEncoder().encode("wrong key")),
        ],
        [
          "HS256 signed with only the collection secret",
          await new SignJWT(claims)
            .setProtectedHeader({ alg: "HS256" })
            .sign(new TextEncoder().encode(secret)),
        ],
        [
          "HS512 with the right key",
          await new SignJWT(claims).setProtectedHeader({ alg: "HS512" }).sign(rightKey),
        ],
        ["expired, right key", await signToken(superusers, suRecord, "auth", {}, -60)],
        [
          "right key but type verification",
          await new SignJWT({ ...claims, type: "verification" })
            .setProtectedHeader({ alg: "HS256" })
            .sign(rightKey),
        ],
        [
          "right key but another record id",
          await new SignJWT({ ...claims, id: "aaaaaaaaaaaaaaa" })
            .setProtectedHeader({ alg: "HS256" })
            .sign(rightKey),
        ],
        [
          "a user token with the collectionId swapped to _superusers",
          await swapCollection(userToken, superusers.id),
        ],
        ["a valid token with a flipped signature bit", flipLastChar(token)],
      ];
    }

    function flipLastChar(t: string): string {
      const last = t.at(-2) === "A" ? "B" : "A";
      return `${t.slice(0, -2)}${last}${t.at(-1)}`;
    }
    async function swapCollection(t: string, collectionId: string): Promise<string> {
      const [h, p, s] = t.split(".");
      const payload = JSON.parse(Buffer.from(p as string, "base64url").toString());
      return `${h}.${b64({ ...payload, collectionId })}.${s}`;
    }

    it("each forged token → 401 on superuser routes, guest view elsewhere", async () => {
      const before = await snapshot();
      for (const [label, forged] of await forgedTokens()) {
        const check = (res: RawResponse, status: number, what: string) => {
          expect(res.status, `${label} on ${what}: ${res.text.slice(0, 200)}`).toBe(status);
          expectRawError(res, status);
        };
        check(await raw(server.url, "/api/collections", { token: forged }), 401, "list collections");
        check(await raw(server.url, "/api/audit", { token: forged }), 401, "audit");
        check(
          await raw(server.url, "/api/collections", {
            method: "POST",
            body: { name: uniqueName("x"), type: "base" },
            token: forged,
          }),
          401,
          "create collection",
        );
        check(
          await raw(server.url, "/api/collections/_superusers/auth-refresh", {
            method: "POST",
            token: forged,
          }),
          401,
          "auth-refresh",
        );
        check(
          await raw(server.url, "/api/collections/_superusers/records", {
            method: "POST",
            body: { email: "x@example.com", password: "12345678901", passwordConfirm: "12345678901" },
            token: forged,
          }),
          403,
          "create superuser",
        );
        const asGuest = await raw(server.url, `/api/collections/${things}/records`, { token: forged });
        expect(asGuest.status, label).toBe(200);
        const users = await raw(server.url, "/api/collections/users/records", { token: forged });
        expect((users.body as { totalItems: number }).totalItems, label).toBe(0);
      }
      expect(await snapshot()).toEqual(before);
    });
  });
});

describe.each(await storesUnderTest())("body size limit (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let things: string;

  beforeAll(async () => {
    server = await startServer(kind, { bodyLimit: 64 * 1024 });
    su = await server.superuserClient();
    things = uniqueName("things");
    await su.collections.create({
      name: things,
      type: "base",
      fields: [{ name: "title", type: "text", max: 2_000_000 }],
      createRule: "",
    } as never);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([
    ["create record", "POST", () => `/api/collections/${things}/records`],
    ["create collection", "POST", () => "/api/collections"],
    ["batch", "POST", () => "/api/batch"],
    ["auth-with-password", "POST", () => "/api/collections/users/auth-with-password"],
  ])("1 MB to %s → 413, nothing written, server still healthy", async (_label, method, path) => {
    const before = await countRecords(su, things);
    const collectionsBefore = (await su.collections.getList(1, 1)).totalItems;
    const body = JSON.stringify({
      title: "x".repeat(1024 * 1024),
      name: uniqueName("big"),
      type: "base",
      requests: [],
      identity: "x",
      password: "y",
    });
    const res = await raw(server.url, path(), { method, body, token: su.authStore.token });
    expectRawError(res, 413);
    expect(await countRecords(su, things)).toBe(before);
    expect((await su.collections.getList(1, 1)).totalItems).toBe(collectionsBefore);
    expect((await raw(server.url, "/api/health")).status).toBe(200);
  });

  it("a body just under the limit is accepted", async () => {
    const r = await su.collection(things).create({ title: "y".repeat(60 * 1024) });
    expect((r.title as string).length).toBe(60 * 1024);
  });
});
