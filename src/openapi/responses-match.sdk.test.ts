import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { schemaBase, shapeApp } from "./test-support/every-field.js";
import { responseChecker } from "./test-support/response-checker.js";

/**
 * Real answers of the REST API, through the pocketbase SDK, against the schemas of the document
 * the same requester is given: list, view, create (JSON and multipart with a file), update,
 * expand, sign-in and errors, on a collection with a field of every type. Read schemas forbid
 * keys they don't list, so a hidden field leaking to a user would fail here.
 */
describe.each(await storesUnderTest())("REST answers match the OpenAPI schemas (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let user: PocketBase;
  let app: Awaited<ReturnType<typeof shapeApp>>;
  let base: string;

  const checkerFor = async (token: string) => {
    const res = await fetch(`${server.url}/api/openapi.json`, { headers: { authorization: token } });
    return responseChecker((await res.json()) as Parameters<typeof responseChecker>[0]);
  };

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    app = await shapeApp(su);
    user = server.client();
    await user.collection("users").authWithPassword(app.email, app.password);
    base = schemaBase(app.notes);
  });
  afterAll(async () => {
    await server?.close();
  });

  const fullBody = () => ({
    title: "Every field",
    count: 3,
    done: true,
    contact: "a@example.com",
    site: "https://example.com/x",
    body: "<p>hi</p>",
    due: "2024-11-10 18:45:27.123Z",
    status: "new",
    tags: ["c", "a"],
    owner: user.authStore.record?.id,
    meta: { a: [1, null, "x"] },
    place: { lon: 24.94, lat: 60.17 },
    pin: "12345678",
    internal: "written, never read",
  });

  it("a user's create, view, list, update, expand and sign-in", async () => {
    const check = await checkerFor(user.authStore.token);
    const notes = user.collection(app.notes);
    const head = (await user.send(`/api/collections/${app.notes}/changes`, {})) as { cursor: string };
    const form = new FormData();
    form.append("cover", new Blob(["hello"], { type: "text/plain" }), "hello.txt");
    form.append("@jsonPayload", JSON.stringify(fullBody()));
    const created = await notes.create(form);
    expect(created).not.toHaveProperty("internal");
    const answers: [string, unknown][] = [
      [`${base}Record`, created],
      [`${base}Record`, await notes.getOne(created.id)],
      [`${base}Record`, await notes.create({ title: "only what is required" })],
      [`${base}List`, await notes.getList(1, 10, { sort: "-created" })],
      [`${base}List`, await notes.getList(1, 10, { skipTotal: true, filter: "done = true" })],
      [`${base}Record`, await notes.update(created.id, { title: "changed", tags: ["b"], meta: null })],
      [`${base}Record`, await notes.getOne(created.id, { expand: "owner" })],
      ["UsersAuthResponse", await user.collection("users").authRefresh()],
      [
        "UsersAuthResponse",
        await server.client().collection("users").authWithPassword(app.email, app.password),
      ],
      ["AuthMethods", await user.collection("users").listAuthMethods()],
    ];
    for (const [schema, answer] of answers) expect(check(schema, answer)).toBeNull();
    await notes.delete((await notes.create({ title: "short-lived", owner: user.authStore.record?.id })).id);
    const changes = await user.send(`/api/collections/${app.notes}/changes`, {
      query: { since: head.cursor },
    });
    expect(changes.items.map((i: { action: string }) => i.action)).toEqual(
      expect.arrayContaining(["upsert", "delete"]),
    );
    expect(changes.items.length).toBeGreaterThan(0);
    expect(check(`${base}Changes`, changes)).toBeNull();
    // The check bites: a leaked hidden field or a wrong type is caught.
    expect(check(`${base}Record`, { ...created, internal: "leaked" })).toMatch(/additional properties/);
    expect(check(`${base}Record`, { ...created, count: "3" })).toMatch(/count/);
    const expanded = (await notes.getOne(created.id, { expand: "owner" })).expand;
    expect(expanded?.["owner"]?.id).toBe(user.authStore.record?.id);
  });

  it("a superuser's answers (hidden fields are never read, by superusers neither)", async () => {
    const check = await checkerFor(su.authStore.token);
    const notes = su.collection(app.notes);
    const created = await notes.create(fullBody());
    for (const answer of [created, await notes.getOne(created.id, { expand: "owner" })])
      expect(check(`${base}Record`, answer)).toBeNull();
    expect(check(`${base}List`, await notes.getList(1, 50, { expand: "owner" }))).toBeNull();
    expect(
      check(`${base}Record`, await notes.update(created.id, { done: false, place: { lon: 0, lat: 0 } })),
    ).toBeNull();
    expect(
      check("UsersRecord", await su.collection("users").getFirstListItem(`email = "${app.email}"`)),
    ).toBeNull();
  });

  it("the examples of the document fit their schemas", async () => {
    const res = await fetch(`${server.url}/api/openapi.json`, {
      headers: { authorization: su.authStore.token },
    });
    const doc = (await res.json()) as { components: { schemas: Record<string, { examples?: unknown[] }> } };
    const check = responseChecker(doc);
    const withExamples = Object.entries(doc.components.schemas).filter(([, s]) => s.examples?.length);
    expect(withExamples.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        `${base}Record`,
        `${base}Create`,
        `${base}Update`,
        "UsersRecord",
        "UsersCreate",
        "Error",
      ]),
    );
    for (const [name, schema] of withExamples) expect(check(name, schema.examples?.[0])).toBeNull();
  });

  it("errors in the error shape", async () => {
    const check = await checkerFor(user.authStore.token);
    const failures = [
      () => user.collection(app.notes).create({ count: "not a number" }),
      () => user.collection(app.notes).getOne("nosuchrecord123"),
      () => server.client().collection(app.notes).create({ title: "guest" }),
      () => user.collection(app.notes).getList(1, 10, { filter: "((" }),
    ];
    for (const failure of failures) {
      const err = await failure().then(
        () => null,
        (e: { response: unknown }) => e,
      );
      expect(err).not.toBeNull();
      expect(check("Error", err?.response)).toBeNull();
    }
  });
});
