import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countRecords,
  expectRawError,
  expectSdkError,
  raw,
  sdk,
  signedInUser,
  uniqueName,
} from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

describe.each(await storesUnderTest())("batch (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
  });
  afterAll(async () => {
    await server?.close();
  });

  async function items(rules: Record<string, string | null> = {}) {
    const name = uniqueName("items");
    await su.collections.create({
      name,
      type: "base",
      fields: [
        { name: "title", type: "text", required: true, max: 20 },
        { name: "n", type: "number" },
      ],
      indexes: [`CREATE UNIQUE INDEX ${uniqueName("idx")} ON ${name} (title)`],
      ...rules,
    } as never);
    return name;
  }

  const titles = async (name: string) =>
    (await su.collection(name).getFullList({ sort: "title" })).map((r) => r.title as string);

  describe("through the SDK's createBatch()", () => {
    it("creates, updates, deletes and upserts in one request", async () => {
      const name = await items();
      const keep = await su.collection(name).create({ title: "keep", n: 1 });
      const drop = await su.collection(name).create({ title: "drop", n: 2 });
      const batch = su.createBatch();
      batch.collection(name).create({ title: "new1", n: 10 });
      batch.collection(name).create({ title: "new2", n: 20 });
      batch.collection(name).update(keep.id, { n: 100 });
      batch.collection(name).delete(drop.id);
      batch.collection(name).upsert({ id: keep.id, title: "kept" });
      batch.collection(name).upsert({ id: "upsertedid12345", title: "upserted" });
      const results = await batch.send();
      expect(results).toHaveLength(6);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 204, 200, 200]);
      expect(results[0]?.body).toMatchObject({ title: "new1", n: 10, collectionName: name });
      expect(results[2]?.body).toMatchObject({ id: keep.id, n: 100 });
      expect(results[4]?.body).toMatchObject({ id: keep.id, title: "kept", n: 100 });
      expect(results[5]?.body).toMatchObject({ id: "upsertedid12345", title: "upserted" });
      expect(await titles(name)).toEqual(["kept", "new1", "new2", "upserted"]);
    });

    it("one failing sub-request → 400 and nothing from the batch persists", async () => {
      const name = await items();
      const existing = await su.collection(name).create({ title: "existing", n: 1 });
      const batch = su.createBatch();
      batch.collection(name).create({ title: "ok1" });
      batch.collection(name).update(existing.id, { n: 99 });
      batch.collection(name).create({ title: "" }); // required → fails
      batch.collection(name).create({ title: "ok2" });
      const err = await expectSdkError(batch.send(), 400);
      expect(JSON.stringify(err.response.data)).toContain("validation_required");
      expect(await titles(name)).toEqual(["existing"]);
      expect((await su.collection(name).getOne(existing.id)).n).toBe(1);
    });
  });

  describe("raw JSON requests", () => {
    const post = (token: string | undefined, body: unknown) =>
      raw(server.url, "/api/batch", { method: "POST", body, ...(token ? { token } : {}) });

    it("creates, updates, deletes and upserts in one transaction", async () => {
      const name = await items();
      const keep = await su.collection(name).create({ title: "keep", n: 1 });
      const drop = await su.collection(name).create({ title: "drop", n: 2 });
      const res = await post(su.authStore.token, {
        requests: [
          { method: "POST", url: `/api/collections/${name}/records`, body: { title: "a" } },
          { method: "PATCH", url: `/api/collections/${name}/records/${keep.id}`, body: { "n+": 5 } },
          { method: "DELETE", url: `/api/collections/${name}/records/${drop.id}` },
          {
            method: "PUT",
            url: `/api/collections/${name}/records`,
            body: { id: "upsertbatch0001", title: "u" },
          },
          { method: "POST", url: `/api/collections/${name}/records?fields=title`, body: { title: "b" } },
        ],
      });
      expect(res.status).toBe(200);
      const results = res.body as { status: number; body: Record<string, unknown> | null }[];
      expect(results.map((r) => r.status)).toEqual([200, 200, 204, 200, 200]);
      expect(results[1]?.body).toMatchObject({ id: keep.id, n: 6 });
      expect(results[4]?.body).toEqual({ title: "b" });
      expect(await titles(name)).toEqual(["a", "b", "keep", "u"]);
    });

    it("a later sub-request sees an earlier one (same transaction)", async () => {
      const name = await items();
      const res = await post(su.authStore.token, {
        requests: [
          {
            method: "POST",
            url: `/api/collections/${name}/records`,
            body: { id: "chainedrecord01", title: "first" },
          },
          {
            method: "PATCH",
            url: `/api/collections/${name}/records/chainedrecord01`,
            body: { title: "second" },
          },
        ],
      });
      expect(res.status).toBe(200);
      expect((await su.collection(name).getOne("chainedrecord01")).title).toBe("second");
    });

    it.each([
      [
        "a validation error",
        (name: string) => ({
          method: "POST",
          url: `/api/collections/${name}/records`,
          body: { title: "x".repeat(21) },
        }),
      ],
      [
        "a unique violation",
        (name: string) => ({
          method: "POST",
          url: `/api/collections/${name}/records`,
          body: { title: "dup" },
        }),
      ],
      [
        "an unknown record",
        (name: string) => ({
          method: "PATCH",
          url: `/api/collections/${name}/records/nosuchrecord123`,
          body: { n: 1 },
        }),
      ],
      [
        "an unknown collection",
        () => ({ method: "POST", url: "/api/collections/no_such_coll/records", body: { title: "x" } }),
      ],
      [
        "an unsupported url",
        () => ({ method: "POST", url: "/api/collections", body: { name: "sneaky", type: "base" } }),
      ],
      [
        "an unsupported method",
        (name: string) => ({ method: "GET", url: `/api/collections/${name}/records` }),
      ],
    ])("%s in the last sub-request rolls back everything → 400", async (_label, bad) => {
      const name = await items();
      const res = await post(su.authStore.token, {
        requests: [
          { method: "POST", url: `/api/collections/${name}/records`, body: { title: "dup" } },
          { method: "POST", url: `/api/collections/${name}/records`, body: { title: "second" } },
          bad(name),
        ],
      });
      expectRawError(res, 400);
      const data = (res.body as { data: Record<string, unknown> }).data;
      expect(Object.keys((data.requests ?? {}) as object)).toEqual(["2"]);
      expect(await countRecords(su, name)).toBe(0);
      await expectSdkError(su.collections.getOne("sneaky"), 404);
    });

    it("a failed batch writes no audit entries", async () => {
      const name = await items();
      const res = await post(su.authStore.token, {
        requests: [
          { method: "POST", url: `/api/collections/${name}/records`, body: { title: "ok" } },
          { method: "POST", url: `/api/collections/${name}/records`, body: {} },
        ],
      });
      expectRawError(res, 400);
      const audit = (await su.send("/api/audit", {
        query: { filter: `collectionName = "${name}" && action = "record.create"` },
      })) as {
        totalItems: number;
      };
      expect(audit.totalItems).toBe(0);
    });

    it("more than 50 sub-requests → 400 and nothing written", async () => {
      const name = await items();
      const requests = Array.from({ length: 51 }, (_, i) => ({
        method: "POST",
        url: `/api/collections/${name}/records`,
        body: { title: `t${i}` },
      }));
      const res = await post(su.authStore.token, { requests });
      expectRawError(res, 400);
      expect(await countRecords(su, name)).toBe(0);
      const ok = await post(su.authStore.token, { requests: requests.slice(0, 50) });
      expect(ok.status).toBe(200);
      expect(await countRecords(su, name)).toBe(50);
    });

    it.each([
      ["no requests key", {}],
      ["empty requests", { requests: [] }],
      ["requests not an array", { requests: "nope" }],
      ["a request without url", { requests: [{ method: "POST" }] }],
      ["a request that is a string", { requests: ["POST /api/x"] }],
      [
        "a body that is an array",
        { requests: [{ method: "POST", url: "/api/collections/users/records", body: [1, 2] }] },
      ],
    ])("malformed batch (%s) → 400", async (_label, body) => {
      const res = await post(su.authStore.token, body);
      expectRawError(res, 400);
    });

    it("sub-requests obey the collection rules of the caller", async () => {
      const name = await items({
        listRule: "",
        viewRule: "",
        createRule: "",
        updateRule: null,
        deleteRule: null,
      });
      const target = await su.collection(name).create({ title: "protected", n: 1 });
      const guestCreate = await post(undefined, {
        requests: [{ method: "POST", url: `/api/collections/${name}/records`, body: { title: "by guest" } }],
      });
      expect(guestCreate.status).toBe(200);
      const guestUpdate = await post(undefined, {
        requests: [
          { method: "POST", url: `/api/collections/${name}/records`, body: { title: "sneak" } },
          { method: "PATCH", url: `/api/collections/${name}/records/${target.id}`, body: { n: 666 } },
        ],
      });
      expectRawError(guestUpdate, 400);
      const sub = JSON.stringify((guestUpdate.body as { data: unknown }).data);
      expect(sub).toContain("403");
      const { pb: user } = await signedInUser(() => server.client());
      const userDelete = await post(user.authStore.token, {
        requests: [{ method: "DELETE", url: `/api/collections/${name}/records/${target.id}` }],
      });
      expectRawError(userDelete, 400);
      expect(await titles(name)).toEqual(["by guest", "protected"]);
      expect((await su.collection(name).getOne(target.id)).n).toBe(1);
    });

    it("a guest cannot reach superuser-only collections through a batch", async () => {
      const before = await countRecords(su, "_superusers");
      const res = await post(undefined, {
        requests: [
          {
            method: "POST",
            url: "/api/collections/_superusers/records",
            body: { email: "evil@example.com", password: "12345678901", passwordConfirm: "12345678901" },
          },
        ],
      });
      expectRawError(res, 400);
      expect(await countRecords(su, "_superusers")).toBe(before);
      await expect(
        sdk(server.client()).collection("_superusers").authWithPassword("evil@example.com", "12345678901"),
      ).rejects.toThrow();
    });
  });
});
