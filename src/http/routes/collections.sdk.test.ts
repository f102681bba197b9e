import type PocketBase from "pocketbase";
import type { CollectionModel } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSdkError, issueCode, raw, sdk, signedInUser, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

type FieldSpec = Record<string, unknown>;

/** Every field type except file (and password, which only auth collections have). */
function allFieldTypes(relationTargetId: string): FieldSpec[] {
  return [
    { name: "title", type: "text", required: true, min: 3, max: 50, pattern: "^[A-Za-z0-9 ]+$" },
    { name: "code", type: "text", autogeneratePattern: "[A-Z]{4}", max: 10 },
    { name: "qty", type: "number", min: 1, max: 100, onlyInt: true },
    { name: "active", type: "bool" },
    { name: "contact", type: "email", onlyDomains: ["example.com"] },
    { name: "site", type: "url" },
    { name: "body", type: "editor" },
    { name: "due", type: "date", min: "2020-01-01 00:00:00.000Z", max: "2030-12-31 23:59:59.999Z" },
    { name: "stamped", type: "autodate", onCreate: true, onUpdate: true },
    { name: "status", type: "select", values: ["new", "paid", "shipped"], maxSelect: 1 },
    { name: "tags", type: "select", values: ["a", "b", "c", "d"], maxSelect: 3 },
    { name: "owner", type: "relation", collectionId: relationTargetId, maxSelect: 1, cascadeDelete: true },
    { name: "watchers", type: "relation", collectionId: relationTargetId, maxSelect: 5 },
    { name: "meta", type: "json", maxSize: 2000 },
    { name: "where", type: "geoPoint" },
  ];
}

const fieldByName = (c: CollectionModel, name: string) =>
  (c.fields as unknown as FieldSpec[]).find((f) => f.name === name) as FieldSpec | undefined;

describe.each(await storesUnderTest())("collections API through the SDK (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
  });
  afterAll(async () => {
    await server?.close();
  });

  async function baseCollection(
    fields: FieldSpec[] = [{ name: "title", type: "text" }],
    extra: FieldSpec = {},
  ) {
    return su.collections.create({ name: uniqueName("c"), type: "base", fields, ...extra } as never);
  }

  it("creates a base collection with every field type and echoes their options", async () => {
    const target = await baseCollection();
    const name = uniqueName("all");
    const created = await su.collections.create({
      name,
      type: "base",
      fields: allFieldTypes(target.id),
    } as never);
    expect(created.name).toBe(name);
    expect(created.type).toBe("base");
    expect(created.id).toMatch(/.+/);
    const names = (created.fields as unknown as FieldSpec[]).map((f) => f.name);
    for (const expected of [
      "id",
      "title",
      "code",
      "qty",
      "active",
      "contact",
      "site",
      "body",
      "due",
      "stamped",
      "status",
      "tags",
      "owner",
      "watchers",
      "meta",
      "where",
      "created",
      "updated",
    ]) {
      expect(names).toContain(expected);
    }
    expect(fieldByName(created, "title")).toMatchObject({
      type: "text",
      required: true,
      min: 3,
      max: 50,
      pattern: "^[A-Za-z0-9 ]+$",
    });
    expect(fieldByName(created, "code")).toMatchObject({ autogeneratePattern: "[A-Z]{4}" });
    expect(fieldByName(created, "qty")).toMatchObject({ type: "number", min: 1, max: 100, onlyInt: true });
    expect(fieldByName(created, "contact")).toMatchObject({ type: "email", onlyDomains: ["example.com"] });
    expect(fieldByName(created, "due")).toMatchObject({
      type: "date",
      min: "2020-01-01 00:00:00.000Z",
      max: "2030-12-31 23:59:59.999Z",
    });
    expect(fieldByName(created, "tags")).toMatchObject({
      type: "select",
      values: ["a", "b", "c", "d"],
      maxSelect: 3,
    });
    expect(fieldByName(created, "owner")).toMatchObject({
      type: "relation",
      collectionId: target.id,
      cascadeDelete: true,
      maxSelect: 1,
    });
    expect(fieldByName(created, "meta")).toMatchObject({ type: "json", maxSize: 2000 });
    expect(fieldByName(created, "where")).toMatchObject({ type: "geoPoint" });

    // The collection is usable right away: a full record round-trips.
    const rel = await su.collection(target.name).create({ title: "target" });
    const rec = await su.collection(name).create({
      title: "Hello 1",
      qty: 3,
      active: true,
      contact: "a@example.com",
      site: "https://example.org/x",
      body: "<p>hi</p>",
      due: "2025-06-01 10:00:00.000Z",
      status: "paid",
      tags: ["a", "c"],
      owner: rel.id,
      watchers: [rel.id],
      meta: { nested: [1, 2, { x: "y" }] },
      where: { lon: 13.4, lat: 52.5 },
    });
    expect(rec.code).toMatch(/^[A-Z]{4}$/);
    expect(rec).toMatchObject({
      title: "Hello 1",
      qty: 3,
      active: true,
      contact: "a@example.com",
      site: "https://example.org/x",
      status: "paid",
      tags: ["a", "c"],
      owner: rel.id,
      watchers: [rel.id],
      meta: { nested: [1, 2, { x: "y" }] },
      where: { lon: 13.4, lat: 52.5 },
    });
    expect(rec.due).toBe("2025-06-01 10:00:00.000Z");
    expect(rec.stamped).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(rec.id).toMatch(/^[a-z0-9]{15}$/);
  });

  it("creates an auth collection with the auth system fields and keeps secrets out of the response", async () => {
    const name = uniqueName("members");
    const created = await su.collections.create({
      name,
      type: "auth",
      fields: [{ name: "nickname", type: "text", max: 30 }],
      listRule: "id = @request.auth.id",
      createRule: "",
    } as never);
    expect(created.type).toBe("auth");
    const names = (created.fields as unknown as FieldSpec[]).map((f) => f.name);
    for (const f of ["id", "password", "tokenKey", "email", "emailVisibility", "verified", "nickname"])
      expect(names).toContain(f);
    expect(fieldByName(created, "password")).toMatchObject({ type: "password", hidden: true });
    expect(JSON.stringify(created)).not.toMatch(/"secret"/);
    // Its users can sign up and sign in.
    const user = await signedInUser(() => server.client(), { collection: name });
    expect(user.pb.authStore.record?.id).toBe(user.id);
    expect(user.pb.authStore.record?.collectionName).toBe(name);
  });

  it("gets one collection by name and by id; unknown → 404", async () => {
    const c = await baseCollection();
    const byName = await su.collections.getOne(c.name);
    const byId = await su.collections.getOne(c.id);
    expect(byName.id).toBe(c.id);
    expect(byId.name).toBe(c.name);
    const err = await expectSdkError(su.collections.getOne("no_such_collection_xyz"), 404);
    expect(err.response.data).toEqual({});
  });

  it("lists collections with paging, getFullList and getFirstListItem", async () => {
    const a = await baseCollection();
    const b = await baseCollection();
    const page1 = await su.collections.getList(1, 2);
    expect(page1.page).toBe(1);
    expect(page1.perPage).toBe(2);
    expect(page1.items).toHaveLength(2);
    expect(page1.totalItems).toBeGreaterThanOrEqual(4); // _superusers, users, a, b
    expect(page1.totalPages).toBe(Math.ceil(page1.totalItems / 2));
    const all = await su.collections.getFullList();
    const names = all.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["_superusers", "users", a.name, b.name]));
    expect(all.length).toBe(page1.totalItems);
    const first = await su.collections.getFirstListItem(`name = "${b.name}"`);
    expect(first.id).toBe(b.id);
    // (the SDK builds this 404 itself from an empty page)
    await expectSdkError(su.collections.getFirstListItem(`name = "missing_${a.name}"`), 404, {
      shape: "none",
    });
  });

  it("update: adds a field, renames a field keeping data, removes a field", async () => {
    const c = await baseCollection([
      { name: "title", type: "text" },
      { name: "note", type: "text" },
      { name: "drop_me", type: "number" },
    ]);
    const r = await su.collection(c.name).create({ title: "kept", note: "a note", drop_me: 5 });

    // Add a field.
    const fields1 = [...(c.fields as unknown as FieldSpec[]), { name: "extra", type: "bool" }];
    const u1 = await su.collections.update(c.id, { fields: fields1 } as never);
    expect(fieldByName(u1, "extra")).toMatchObject({ type: "bool" });
    const afterAdd = await su.collection(c.name).getOne(r.id);
    expect(afterAdd).toMatchObject({ title: "kept", note: "a note", drop_me: 5, extra: false });

    // Rename a field (same id, new name): the data follows.
    const fields2 = (u1.fields as unknown as FieldSpec[]).map((f) =>
      f.name === "note" ? { ...f, name: "remark" } : f,
    );
    const u2 = await su.collections.update(c.id, { fields: fields2 } as never);
    expect(fieldByName(u2, "note")).toBeUndefined();
    expect(fieldByName(u2, "remark")).toBeDefined();
    const afterRename = await su.collection(c.name).getOne(r.id);
    expect(afterRename.remark).toBe("a note");
    expect(afterRename).not.toHaveProperty("note");

    // Remove a field.
    const fields3 = (u2.fields as unknown as FieldSpec[]).filter((f) => f.name !== "drop_me");
    const u3 = await su.collections.update(c.id, { fields: fields3 } as never);
    expect(fieldByName(u3, "drop_me")).toBeUndefined();
    const afterRemove = await su.collection(c.name).getOne(r.id);
    expect(afterRemove).not.toHaveProperty("drop_me");
    expect(afterRemove).toMatchObject({ title: "kept", remark: "a note", extra: false });
    // Filtering on the removed field is now an error.
    await expectSdkError(su.collection(c.name).getList(1, 10, { filter: "drop_me = 5" }), 400);
  });

  it("update: select maxSelect 1 → 3 keeps the stored values, now as arrays", async () => {
    const c = await baseCollection([
      { name: "status", type: "select", values: ["x", "y", "z"], maxSelect: 1 },
    ]);
    const r1 = await su.collection(c.name).create({ status: "y" });
    const r2 = await su.collection(c.name).create({});
    expect(r1.status).toBe("y");
    expect(r2.status).toBe("");
    const fields = (c.fields as unknown as FieldSpec[]).map((f) =>
      f.name === "status" ? { ...f, maxSelect: 3 } : f,
    );
    await su.collections.update(c.name, { fields } as never);
    expect((await su.collection(c.name).getOne(r1.id)).status).toEqual(["y"]);
    expect((await su.collection(c.name).getOne(r2.id)).status).toEqual([]);
    const r3 = await su.collection(c.name).create({ status: ["x", "z"] });
    expect(r3.status).toEqual(["x", "z"]);
    const list = await su.collection(c.name).getList(1, 10, { filter: 'status ?= "y"' });
    expect(list.items.map((i) => i.id)).toEqual([r1.id]);
  });

  it("update: renames the collection and keeps its records", async () => {
    const c = await baseCollection();
    const r = await su.collection(c.name).create({ title: "survives" });
    const newName = uniqueName("renamed");
    const updated = await su.collections.update(c.id, { name: newName } as never);
    expect(updated.name).toBe(newName);
    expect(updated.id).toBe(c.id);
    expect((await su.collection(newName).getOne(r.id)).title).toBe("survives");
    expect((await su.collection(c.id).getOne(r.id)).collectionName).toBe(newName);
    await expectSdkError(su.collection(c.name).getList(), 404);
  });

  it("update: rules can be changed; an invalid rule → 400 validation_invalid_rule", async () => {
    const c = await baseCollection();
    const u = await su.collections.update(c.id, { listRule: "title != ''", viewRule: "" } as never);
    expect(u.listRule).toBe("title != ''");
    expect(u.viewRule).toBe("");
    const err = await expectSdkError(
      su.collections.update(c.id, { listRule: "nope_field = 1" } as never),
      400,
    );
    expect(issueCode(err, "listRule")).toBe("validation_invalid_rule");
    expect((await su.collections.getOne(c.id)).listRule).toBe("title != ''");
  });

  it("update: changing a field's type is refused", async () => {
    const c = await baseCollection([{ name: "title", type: "text" }]);
    const fields = (c.fields as unknown as FieldSpec[]).map((f) =>
      f.name === "title" ? { ...f, type: "number" } : f,
    );
    const err = await expectSdkError(su.collections.update(c.id, { fields } as never), 400);
    expect(JSON.stringify(err.response.data)).toContain("validation_field_type_change");
  });

  it("delete removes the collection and its records endpoint", async () => {
    const c = await baseCollection();
    await su.collection(c.name).create({ title: "x" });
    await su.collections.delete(c.id);
    await expectSdkError(su.collections.getOne(c.id), 404);
    await expectSdkError(su.collection(c.name).getList(), 404);
    await expectSdkError(su.collections.delete(c.id), 404);
    // The name is free again.
    const again = await su.collections.create({
      name: c.name,
      type: "base",
      fields: [{ name: "other", type: "bool" }],
    } as never);
    expect(again.name).toBe(c.name);
    expect((await su.collection(c.name).getList()).totalItems).toBe(0);
  });

  it("system collections cannot be deleted", async () => {
    await expectSdkError(su.collections.delete("_superusers"), 400);
    expect((await su.collections.getOne("_superusers")).name).toBe("_superusers");
  });

  it("a collection referenced by a relation cannot be deleted", async () => {
    const target = await baseCollection();
    const ref = await baseCollection([
      { name: "link", type: "relation", collectionId: target.id, maxSelect: 1 },
    ]);
    await expectSdkError(su.collections.delete(target.id), 400);
    expect((await su.collections.getOne(target.id)).id).toBe(target.id);
    await su.collections.delete(ref.id);
    await su.collections.delete(target.id);
  });

  it("create validation: missing name, bad name, taken name, bad field → 400 with field codes", async () => {
    const c = await baseCollection();
    const taken = await expectSdkError(su.collections.create({ name: c.name, type: "base" } as never), 400);
    expect(issueCode(taken, "name")).toBe("validation_collection_name_exists");
    const takenCase = await expectSdkError(
      su.collections.create({ name: c.name.toUpperCase(), type: "base" } as never),
      400,
    );
    expect(issueCode(takenCase, "name")).toBe("validation_collection_name_exists");
    const missing = await expectSdkError(su.collections.create({ type: "base" } as never), 400);
    expect(issueCode(missing, "name")).toBe("validation_required");
    const bad = await expectSdkError(
      su.collections.create({ name: "bad name!", type: "base" } as never),
      400,
    );
    expect(issueCode(bad, "name")).toBeDefined();
    const reserved = await expectSdkError(
      su.collections.create({ name: "_audit", type: "base" } as never),
      400,
    );
    expect(issueCode(reserved, "name")).toBeDefined();
    const badType = await expectSdkError(
      su.collections.create({ name: uniqueName("t"), type: "nope" } as never),
      400,
    );
    expect(issueCode(badType, "type")).toBe("validation_in_invalid");
    const badField = await expectSdkError(
      su.collections.create({
        name: uniqueName("f"),
        type: "base",
        fields: [{ name: "x", type: "no_such_type" }],
      } as never),
      400,
    );
    expect(badField.response.data.fields).toBeDefined();
    const dupField = await expectSdkError(
      su.collections.create({
        name: uniqueName("f"),
        type: "base",
        fields: [
          { name: "x", type: "text" },
          { name: "X", type: "text" },
        ],
      } as never),
      400,
    );
    expect(dupField.response.data.fields).toBeDefined();
  });

  it("a unique index makes duplicate values fail with validation_not_unique", async () => {
    const name = uniqueName("posts");
    const idx = uniqueName("idx");
    const c = await su.collections.create({
      name,
      type: "base",
      fields: [{ name: "title", type: "text" }],
      indexes: [`CREATE UNIQUE INDEX ${idx} ON ${name} (title)`],
    } as never);
    expect(c.indexes.some((i: string) => i.includes(idx) && /UNIQUE/i.test(i))).toBe(true);
    await su.collection(name).create({ title: "same" });
    const err = await expectSdkError(su.collection(name).create({ title: "same" }), 400);
    expect(issueCode(err, "title")).toBe("validation_not_unique");
    expect((await su.collection(name).getList()).totalItems).toBe(1);
    // Update into a duplicate is refused the same way.
    const other = await su.collection(name).create({ title: "other" });
    const upd = await expectSdkError(su.collection(name).update(other.id, { title: "same" }), 400);
    expect(issueCode(upd, "title")).toBe("validation_not_unique");
    expect((await su.collection(name).getOne(other.id)).title).toBe("other");
  });

  it("an index on an unknown column is refused", async () => {
    const name = uniqueName("posts");
    const err = await expectSdkError(
      su.collections.create({
        name,
        type: "base",
        fields: [{ name: "title", type: "text" }],
        indexes: [`CREATE INDEX ${uniqueName("idx")} ON ${name} (nope)`],
      } as never),
      400,
    );
    expect(issueCode(err, "indexes", "0")).toBe("validation_invalid_index");
    await expectSdkError(su.collections.getOne(name), 404);
  });

  it("a view collection reads through its SELECT and is read-only", async () => {
    const src = await baseCollection([
      { name: "title", type: "text" },
      { name: "score", type: "number" },
    ]);
    const a = await su.collection(src.name).create({ title: "a", score: 1 });
    const b = await su.collection(src.name).create({ title: "b", score: 5 });
    const viewName = uniqueName("v");
    const view = await su.collections.create({
      name: viewName,
      type: "view",
      viewQuery: `SELECT id, title, score FROM ${src.name} WHERE score > 2`,
      listRule: "",
      viewRule: "",
    } as never);
    expect(view.type).toBe("view");
    expect((view.fields as unknown as FieldSpec[]).map((f) => f.name).sort()).toEqual([
      "id",
      "score",
      "title",
    ]);
    expect(fieldByName(view, "score")).toMatchObject({ type: "number" });
    const list = await su.collection(viewName).getList(1, 10);
    expect(list.totalItems).toBe(1);
    expect(list.items[0]).toMatchObject({ id: b.id, title: "b", score: 5, collectionName: viewName });
    const guestList = await sdk(server.client())
      .collection(viewName)
      .getList(1, 10, { filter: 'title = "b"' });
    expect(guestList.items.map((i) => i.id)).toEqual([b.id]);
    expect((await su.collection(viewName).getOne(b.id)).title).toBe("b");
    await expectSdkError(su.collection(viewName).getOne(a.id), 404);

    await expectSdkError(su.collection(viewName).create({ id: "abcabcabcabcabc", title: "nope" }), 400);
    await expectSdkError(su.collection(viewName).update(b.id, { title: "nope" }), 400);
    await expectSdkError(su.collection(viewName).delete(b.id), 400);
    expect((await su.collection(src.name).getOne(b.id)).title).toBe("b");
  });

  it("a view query that is not a single SELECT is refused", async () => {
    const src = await baseCollection();
    for (const viewQuery of [
      `DELETE FROM ${src.name}`,
      `SELECT id FROM ${src.name}; DROP TABLE ${src.name}`,
      "SELECT 1 AS nope",
      "",
    ]) {
      const name = uniqueName("badview");
      // The driver's message may be shown here: it is the superuser's own SQL being checked.
      await expectSdkError(su.collections.create({ name, type: "view", viewQuery } as never), 400, {
        shape: "lenient",
      });
      await expectSdkError(su.collections.getOne(name), 404);
    }
    await su.collection(src.name).create({ title: "still here" });
    expect((await su.collection(src.name).getList()).totalItems).toBe(1);
  });

  it("view collections cannot have write rules", async () => {
    const src = await baseCollection();
    const err = await expectSdkError(
      su.collections.create({
        name: uniqueName("v"),
        type: "view",
        viewQuery: `SELECT id, title FROM ${src.name}`,
        createRule: "",
      } as never),
      400,
    );
    expect(issueCode(err, "createRule")).toBe("validation_view_rule");
  });

  it("scaffolds are available to superusers", async () => {
    const res = await raw(server.url, "/api/collections/meta/scaffolds", { token: su.authStore.token });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body as object)).toEqual(expect.arrayContaining(["base", "auth", "view"]));
  });

  it("truncate deletes every record of a collection", async () => {
    const c = await baseCollection();
    for (let i = 0; i < 3; i++) await su.collection(c.name).create({ title: `t${i}` });
    await su.collections.truncate(c.name);
    expect((await su.collection(c.name).getList()).totalItems).toBe(0);
    expect((await su.collections.getOne(c.id)).name).toBe(c.name);
  });

  it("guests get 401 and non-superusers 403 on every /api/collections route", async () => {
    const c = await baseCollection();
    const guest = sdk(server.client());
    const { pb: user } = await signedInUser(() => server.client());
    const calls: [string, (pb: PocketBase) => Promise<unknown>][] = [
      ["list", (pb) => pb.collections.getList()],
      ["view", (pb) => pb.collections.getOne(c.id)],
      ["create", (pb) => pb.collections.create({ name: uniqueName("x"), type: "base" } as never)],
      ["update", (pb) => pb.collections.update(c.id, { listRule: "" } as never)],
      ["delete", (pb) => pb.collections.delete(c.id)],
      ["truncate", (pb) => pb.collections.truncate(c.id)],
      ["import", (pb) => pb.collections.import([{ name: uniqueName("x"), type: "base" } as never], false)],
      ["scaffolds", (pb) => pb.collections.getScaffolds()],
      ["oauth2 providers", (pb) => pb.collections.getAllOAuth2Providers()],
    ];
    for (const [, call] of calls) {
      await expectSdkError(call(guest), 401);
      await expectSdkError(call(user), 403);
    }
    expect((await su.collections.getOne(c.id)).listRule).toBeNull();
  });

  it("import merges collections (creates new, updates existing) without deleting others", async () => {
    const existing = await baseCollection([{ name: "title", type: "text" }]);
    const rec = await su.collection(existing.name).create({ title: "keep me" });
    const fresh = uniqueName("imported");
    const withRel = uniqueName("imported_rel");
    await su.collections.import(
      [
        {
          ...existing,
          fields: [...(existing.fields as unknown as FieldSpec[]), { name: "added", type: "number" }],
        } as never,
        { name: fresh, type: "base", fields: [{ name: "label", type: "text" }] } as never,
        {
          name: withRel,
          type: "base",
          fields: [{ name: "to", type: "relation", collectionId: existing.id, maxSelect: 1 }],
        } as never,
      ],
      false,
    );
    expect(fieldByName(await su.collections.getOne(existing.id), "added")).toMatchObject({ type: "number" });
    expect((await su.collection(existing.name).getOne(rec.id)).title).toBe("keep me");
    const created = await su.collection(fresh).create({ label: "works" });
    expect(created.label).toBe("works");
    const linked = await su.collection(withRel).create({ to: rec.id });
    expect(linked.to).toBe(rec.id);
    expect((await su.collections.getOne("users")).name).toBe("users");
  });

  it("import is all or nothing: one invalid collection → 400 and nothing changes", async () => {
    const before = (await su.collections.getFullList()).map((c) => c.name).sort();
    const good = uniqueName("good");
    await expectSdkError(
      su.collections.import(
        [
          { name: good, type: "base", fields: [{ name: "x", type: "text" }] } as never,
          { name: "bad name!", type: "base" } as never,
        ],
        false,
      ),
      400,
    );
    await expectSdkError(su.collections.getOne(good), 404);
    expect((await su.collections.getFullList()).map((c) => c.name).sort()).toEqual(before);
  });

  // Keep last: deleteMissing removes every other non-system collection of this server.
  it("import with deleteMissing removes the collections that are not listed (system ones stay)", async () => {
    const keep = await baseCollection();
    const gone = await baseCollection();
    const current = await su.collections.getFullList();
    const keepList = current.filter((c) => c.system || c.id === keep.id);
    await su.collections.import(keepList as never, true);
    const after = (await su.collections.getFullList()).map((c) => c.name);
    expect(after).toContain(keep.name);
    expect(after).toContain("_superusers");
    expect(after).not.toContain(gone.name);
    expect(after).not.toContain("users");
    expect(after.sort()).toEqual(keepList.map((c) => c.name).sort());
  });
});
