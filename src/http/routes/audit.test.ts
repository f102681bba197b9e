import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectRawError,
  expectSdkError,
  raw,
  sdk,
  signedInUser,
  uniqueName,
} from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

/** Entries are ordered by a millisecond timestamp: keep writes in distinct milliseconds. */
const tick = () => new Promise((r) => setTimeout(r, 5));

interface AuditItem {
  id: string;
  created: string;
  action: string;
  collectionId: string;
  collectionName: string;
  recordId: string;
  actorCollection: string;
  actorId: string;
  changes: string[];
  requestId: string;
  ip: string;
}
interface AuditPage {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: AuditItem[];
}

describe.each(await storesUnderTest())("audit log (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let suId: string;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    suId = su.authStore.record?.id as string;
  });
  afterAll(async () => {
    await server?.close();
  });

  const audit = (query: Record<string, unknown>) => su.send("/api/audit", { query }) as Promise<AuditPage>;
  const forCollection = (name: string) =>
    audit({ filter: `collectionName = "${name}"`, perPage: 100, sort: "created" });

  async function collection(rules: Record<string, string | null> = {}) {
    const name = uniqueName("audited");
    const c = await su.collections.create({
      name,
      type: "base",
      fields: [
        { name: "title", type: "text", required: true },
        { name: "secret", type: "text" },
      ],
      ...rules,
    } as never);
    return { name, id: c.id };
  }

  it("record writes leave entries with action, collection, record and actor", async () => {
    const { name, id } = await collection();
    const r = await su.collection(name).create({ title: "t", secret: "hunter2" });
    await tick();
    await su.collection(name).update(r.id, { title: "t2" });
    await tick();
    await su.collection(name).delete(r.id);
    const page = await forCollection(name);
    const records = page.items.filter((i) => i.action.startsWith("record."));
    expect(records.map((i) => i.action)).toEqual(["record.create", "record.update", "record.delete"]);
    for (const item of records) {
      expect(item).toMatchObject({
        collectionId: id,
        collectionName: name,
        recordId: r.id,
        actorCollection: "_superusers",
        actorId: suId,
      });
      expect(item.id).toMatch(/.+/);
      expect(item.created).toMatch(/^\d{4}-\d\d-\d\d/);
      expect(item.requestId).toMatch(/.+/);
    }
    expect(records[0]?.changes).toEqual(expect.arrayContaining(["title", "secret"]));
    expect(records[1]?.changes).toEqual(["title"]);
    // Values are never logged.
    expect(JSON.stringify(page)).not.toContain("hunter2");
  });

  it("the collection's own creation is audited", async () => {
    const { name, id } = await collection();
    const page = await audit({ filter: `action = "collection.create" && collectionName = "${name}"` });
    expect(page.totalItems).toBe(1);
    expect(page.items[0]).toMatchObject({ collectionId: id, actorId: suId, actorCollection: "_superusers" });
  });

  it("the actor is the user who wrote, or empty for guests", async () => {
    const { name } = await collection({ createRule: "" });
    const user = await signedInUser(() => server.client());
    const byUser = await user.pb.collection(name).create({ title: "u" });
    const byGuest = await sdk(server.client()).collection(name).create({ title: "g" });
    const page = await forCollection(name);
    const u = page.items.find((i) => i.recordId === byUser.id);
    const g = page.items.find((i) => i.recordId === byGuest.id);
    expect(u).toMatchObject({ action: "record.create", actorCollection: "users", actorId: user.id });
    expect(g).toMatchObject({ action: "record.create", actorCollection: "", actorId: "" });
  });

  it("failed writes leave no entry (validation, unique index, rule, not found)", async () => {
    const name = uniqueName("audited");
    await su.collections.create({
      name,
      type: "base",
      fields: [{ name: "title", type: "text", required: true }],
      indexes: [`CREATE UNIQUE INDEX ${uniqueName("idx")} ON ${name} (title)`],
      createRule: 'title != "blocked"',
      updateRule: null,
    } as never);
    const ok = await su.collection(name).create({ title: "first" });
    const before = (await forCollection(name)).items.filter((i) => i.action.startsWith("record.")).length;
    expect(before).toBe(1);

    const guest = sdk(server.client());
    await expectSdkError(guest.collection(name).create({}), 400); // validation
    await expectSdkError(su.collection(name).create({ title: "first" }), 400); // unique
    await expectSdkError(guest.collection(name).create({ title: "blocked" }), 400); // create rule (insert rolled back)
    await expectSdkError(guest.collection(name).update(ok.id, { title: "x" }), 403); // null rule
    await expectSdkError(su.collection(name).update("nosuchrecord123", { title: "x" }), 404);
    await expectSdkError(su.collection(name).delete("nosuchrecord123"), 404);

    const after = (await forCollection(name)).items.filter((i) => i.action.startsWith("record."));
    expect(after).toHaveLength(1);
    expect(after[0]?.recordId).toBe(ok.id);
    expect((await su.collection(name).getList()).totalItems).toBe(1);
  });

  it("cascaded deletes are audited per record", async () => {
    const parent = await collection();
    const child = uniqueName("child");
    await su.collections.create({
      name: child,
      type: "base",
      fields: [
        { name: "parent", type: "relation", collectionId: parent.id, maxSelect: 1, cascadeDelete: true },
      ],
    } as never);
    const p = await su.collection(parent.name).create({ title: "p" });
    const c1 = await su.collection(child).create({ parent: p.id });
    const c2 = await su.collection(child).create({ parent: p.id });
    await su.collection(parent.name).delete(p.id);
    const deletes = await audit({ filter: `action = "record.delete" && collectionName = "${child}"` });
    expect(deletes.items.map((i) => i.recordId).sort()).toEqual([c1.id, c2.id].sort());
  });

  it("lists newest first by default, pages, skipTotal, and sort=created for oldest first", async () => {
    const { name } = await collection();
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(await su.collection(name).create({ title: `t${i}` }));
      await tick();
    }
    const newest = await audit({ filter: `collectionName = "${name}" && action = "record.create"` });
    expect(newest.items.map((i) => i.recordId)).toEqual(made.map((m) => m.id).reverse());
    expect(newest.totalItems).toBe(3);
    const oldest = await audit({
      filter: `collectionName = "${name}" && action = "record.create"`,
      sort: "created",
    });
    expect(oldest.items.map((i) => i.recordId)).toEqual(made.map((m) => m.id));
    const paged = await audit({
      filter: `collectionName = "${name}" && action = "record.create"`,
      perPage: 2,
      page: 2,
    });
    expect(paged).toMatchObject({ page: 2, perPage: 2, totalItems: 3, totalPages: 2 });
    expect(paged.items).toHaveLength(1);
    const skip = await audit({ filter: `collectionName = "${name}"`, skipTotal: true });
    expect(skip.totalItems).toBe(-1);
  });

  it("filters by actorId and recordId", async () => {
    const { name } = await collection();
    const r = await su.collection(name).create({ title: "x" });
    const byRecord = await audit({ filter: `recordId = "${r.id}"` });
    expect(byRecord.totalItems).toBe(1);
    const byActor = await audit({ filter: `actorId = "${suId}" && recordId = "${r.id}"` });
    expect(byActor.totalItems).toBe(1);
    const none = await audit({ filter: `actorId = "nobody" && recordId = "${r.id}"` });
    expect(none.totalItems).toBe(0);
  });

  it.each([
    "nope = 'x'",
    "action ~ 'x'",
    "action = x",
    "action = 'x' || 1=1",
    "changes = 'x'",
    "action = 'x'; DROP TABLE _audit",
    "action = \"x' OR '1'='1\"",
  ])("an invalid audit filter → 400 (%s)", async (filter) => {
    const res = await raw(server.url, `/api/audit?filter=${encodeURIComponent(filter)}`, {
      token: su.authStore.token,
    });
    if (res.status === 200) {
      // Only acceptable when the value was bound literally: nothing can match it.
      expect((res.body as AuditPage).totalItems).toBe(0);
    } else {
      expectRawError(res, 400);
    }
    expect((await audit({ perPage: 1 })).totalItems).toBeGreaterThan(0);
  });

  it("guests get 401, users 403", async () => {
    expectRawError(await raw(server.url, "/api/audit"), 401);
    await expectSdkError(sdk(server.client()).send("/api/audit", {}), 401);
    const user = await signedInUser(() => server.client());
    await expectSdkError(user.pb.send("/api/audit", {}), 403);
    expectRawError(await raw(server.url, "/api/audit", { token: "garbage.token.value" }), 401);
  });
});
