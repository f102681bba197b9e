import { Validator } from "@seriousme/openapi-schema-validator";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Nodes, startNodes } from "../test-support/nodes.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { schemaBase, shapeApp } from "./test-support/every-field.js";

type Doc = {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
};

async function expectValid(doc: unknown) {
  const result = await new Validator().validate(doc as Parameters<Validator["validate"]>[0]);
  expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
  expect(result.valid).toBe(true);
}

/**
 * /api/openapi.json and .yaml against a real OpenAPI 3.1 validator, for each kind of requester,
 * and what each of them is shown: superusers everything, others only what they could call.
 */
describe.each(await storesUnderTest())("OpenAPI document (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let app: Awaited<ReturnType<typeof shapeApp>>;
  let userToken: string;

  const get = (path: string, token?: string) =>
    fetch(`${server.url}${path}`, { headers: token ? { authorization: token } : {} });
  const doc = async (token?: string): Promise<Doc> => {
    const res = await get("/api/openapi.json", token);
    expect(res.status).toBe(200);
    return (await res.json()) as Doc;
  };

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    app = await shapeApp(su);
    const pb = server.client();
    userToken = (await pb.collection("users").authWithPassword(app.email, app.password)).token;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("validates under OpenAPI 3.1 for a superuser, a user, a guest and an API key, as JSON and as YAML", async () => {
    const full = await doc(su.authStore.token);
    await expectValid(full);
    const yaml = await get("/api/openapi.yaml", su.authStore.token);
    expect(yaml.headers.get("content-type")).toMatch(/^application\/yaml/);
    expect(parse(await yaml.text())).toEqual(full);
    await expectValid(await doc(userToken));
    await su.settings.update({ openapi: { guests: true } });
    try {
      await expectValid(await doc());
    } finally {
      await su.settings.update({ openapi: { guests: false } });
    }
    const key = (await su.send("/api/keys", {
      method: "POST",
      body: { name: "docs", scopes: [{ collection: app.notes, operations: ["list", "view"] }] },
    })) as { key: string };
    const keyDoc = await doc(key.key);
    await expectValid(keyDoc);
    expect(Object.keys(keyDoc.paths[`/api/collections/${app.notes}/records`] ?? {})).toEqual(["get"]);
    expect(keyDoc.paths["/api/collections/users/records"]).toBeUndefined();
  });

  it("shows a superuser every collection and the system APIs; hidden fields only in bodies", async () => {
    const full = await doc(su.authStore.token);
    expect(Object.keys(full.paths)).toEqual(
      expect.arrayContaining([
        `/api/collections/${app.notes}/records`,
        `/api/collections/${app.notes}/records/{id}`,
        `/api/collections/${app.locked}/records`,
        "/api/collections/_superusers/auth-with-password",
        "/api/collections/users/impersonate/{id}",
        "/api/settings",
        "/api/backups",
        "/api/jobs",
        "/api/webhooks",
        "/api/keys",
        "/api/audit",
        "/api/logs",
        "/api/collections",
        "/api/health",
        "/api/realtime",
        "/api/batch",
        "/api/changes",
        "/api/files/token",
      ]),
    );
    const notes = full.components.schemas[`${schemaBase(app.notes)}Record`];
    expect(Object.keys(notes?.properties ?? {})).not.toContain("internal");
    expect(Object.keys(notes?.properties ?? {})).not.toContain("pin");
    const create = full.components.schemas[`${schemaBase(app.notes)}Create`];
    expect(Object.keys(create?.properties ?? {})).toEqual(
      expect.arrayContaining(["internal", "pin", "cover"]),
    );
    expect(Object.keys(create?.properties ?? {})).not.toContain("created");
  });

  it("shows a user only what they could call: no locked collection, no hidden field, no system API", async () => {
    const mine = await doc(userToken);
    const paths = Object.keys(mine.paths);
    expect(paths).toContain(`/api/collections/${app.notes}/records`);
    expect(paths).toContain("/api/collections/users/auth-with-password");
    expect(paths.filter((p) => p.includes(app.locked) || p.includes("_superusers"))).toEqual([]);
    for (const admin of [
      "/api/settings",
      "/api/backups",
      "/api/jobs",
      "/api/keys",
      "/api/audit",
      "/api/collections",
    ])
      expect(paths).not.toContain(admin);
    expect(paths).not.toContain("/api/collections/users/impersonate/{id}");
    const notes = mine.components.schemas[`${schemaBase(app.notes)}Record`];
    expect(Object.keys(notes?.properties ?? {})).not.toContain("internal");
    expect(JSON.stringify(mine)).not.toContain("@request.auth.id");
  });

  it("answers guests 401 unless settings.openapi.guests, and 404 to everyone when off", async () => {
    const guest = await get("/api/openapi.json");
    expect(guest.status).toBe(401);
    expect(await guest.json()).toMatchObject({ status: 401, data: {} });
    expect((await get("/api/openapi.yaml")).status).toBe(401);
    await su.settings.update({ openapi: { enabled: false } });
    try {
      for (const token of [undefined, userToken, su.authStore.token]) {
        const res = await get("/api/openapi.json", token);
        expect(res.status).toBe(404);
        expect(await res.json()).toMatchObject({ status: 404, data: {} });
      }
      expect((await get("/api/docs")).status).toBe(404);
    } finally {
      await su.settings.update({ openapi: { enabled: true } });
    }
    const bad = await su
      .send("/api/settings", { method: "PATCH", body: { openapi: { guests: "yes" } } })
      .catch((e) => e);
    expect(bad.status).toBe(400);
    expect(bad.response.data.openapi.guests.code).toBe("validation_invalid_value");
  });

  it("refuses broken and revoked credentials in the error shape, without a stack trace", async () => {
    for (const token of ["garbage", "Bearer ", `${userToken}x`, "brk_0000000000000000000000000000000000"]) {
      const res = await get("/api/openapi.json", token);
      const body = (await res.json()) as { status: number; message: string; data: unknown };
      expect([401, 403], token).toContain(res.status);
      expect(body).toMatchObject({ status: res.status, data: {} });
      expect(JSON.stringify(body)).not.toMatch(/ at |\.ts:|node_modules/);
    }
    // Query strings are ignored: the same document, never an error.
    const odd = await get(`/api/openapi.json?filter=${"(".repeat(5000)}&__proto__=1`, userToken);
    expect(odd.status).toBe(200);
  });

  it("follows a schema change on the next request", async () => {
    const before = await doc(userToken);
    expect(before.components.schemas[`${schemaBase(app.notes)}Record`]?.properties).not.toHaveProperty(
      "extra",
    );
    const notes = await su.collections.getOne(app.notes);
    await su.collections.update(app.notes, { fields: [...notes.fields, { name: "extra", type: "number" }] });
    const after = await doc(userToken);
    expect(after.components.schemas[`${schemaBase(app.notes)}Record`]?.properties).toHaveProperty("extra");
    await su.collections.update(app.locked, { listRule: "" });
    expect(Object.keys((await doc(userToken)).paths)).toContain(`/api/collections/${app.locked}/records`);
  });
});

describe.runIf((await storesUnderTest()).includes("postgres"))(
  "OpenAPI document across nodes (postgres)",
  () => {
    let nodes: Nodes;
    afterAll(async () => {
      await nodes?.close();
    });

    it("a schema change on one node is in the next document another node serves", async () => {
      nodes = await startNodes(2);
      const su = await nodes.first.superuserClient();
      const [first, second] = nodes.urls as [string, string];
      const docFrom = async (url: string) => {
        const res = await fetch(`${url}/api/openapi.json`, {
          headers: { authorization: su.authStore.token },
        });
        return (await res.json()) as Doc;
      };
      expect(Object.keys((await docFrom(second)).paths)).not.toContain("/api/collections/late/records");
      await su.collections.create({
        name: "late",
        type: "base",
        listRule: "",
        fields: [{ name: "n", type: "number" }],
      });
      const after = await docFrom(second);
      expect(Object.keys(after.paths)).toContain("/api/collections/late/records");
      expect(after.components.schemas["LateRecord"]?.properties).toHaveProperty("n");
      expect(first).not.toBe(second);
    });
  },
);
