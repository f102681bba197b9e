import type PocketBase from "pocketbase";
import type { RecordModel } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countRecords,
  expectSdkError,
  issueCode,
  sdk,
  signedInUser,
  uniqueName,
} from "../../test-support/api.js";
import { type Blog, createBlog } from "../../test-support/blog-fixture.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const ids = (items: RecordModel[]) => items.map((i) => i.id);
const sorted = (list: string[]) => [...list].sort();

describe.each(await storesUnderTest())("records API through the SDK (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let blog: Blog; // read-only fixture: tests that write make their own

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    blog = await createBlog(su);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe("reading", () => {
    it("getOne returns the record in the wire shape", async () => {
      const r = await su.collection(blog.posts).getOne(blog.post.alpha.id);
      expect(r).toMatchObject({
        id: blog.post.alpha.id,
        collectionName: blog.posts,
        title: "Alpha",
        tags: ["a", "b"],
        author: blog.author.ann.id,
        editors: [blog.author.bob.id, blog.author.cid.id],
        total: 10,
        published: true,
      });
      expect(typeof r.collectionId).toBe("string");
      expect(r.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(r.updated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(r).not.toHaveProperty("expand");
    });

    it("getOne of an unknown id → 404 {data:{}}; unknown collection → 404", async () => {
      const err = await expectSdkError(su.collection(blog.posts).getOne("aaaaaaaaaaaaaaa"), 404);
      expect(err.response.data).toEqual({});
      const unknown = await expectSdkError(
        su.collection("no_such_collection").getOne(blog.post.alpha.id),
        404,
      );
      // PocketBase's sentence, and which collection is missing (a hook or cron that ran too early).
      expect(unknown.response).toEqual({
        status: 404,
        message: 'Missing collection context: no collection "no_such_collection".',
        data: {},
      });
      await expectSdkError(su.collection("no_such_collection").getList(), 404);
    });

    it("getList pages with page/perPage and reports totals", async () => {
      const p1 = await su.collection(blog.posts).getList(1, 3, { sort: "title" });
      expect(p1).toMatchObject({ page: 1, perPage: 3, totalItems: 4, totalPages: 2 });
      expect(p1.items.map((i) => i.title)).toEqual(["Alpha", "Beta", "Delta"]);
      const p2 = await su.collection(blog.posts).getList(2, 3, { sort: "title" });
      expect(p2).toMatchObject({ page: 2, perPage: 3, totalItems: 4, totalPages: 2 });
      expect(p2.items.map((i) => i.title)).toEqual(["Gamma"]);
      const p3 = await su.collection(blog.posts).getList(3, 3, { sort: "title" });
      expect(p3.items).toEqual([]);
      expect(p3.totalItems).toBe(4);
    });

    it("default perPage is 30 and page 1", async () => {
      const res = await su.send(`/api/collections/${blog.posts}/records`, {});
      expect(res).toMatchObject({ page: 1, perPage: 30, totalItems: 4, totalPages: 1 });
      expect(res.items).toHaveLength(4);
    });

    it("sorts by one or several fields, descending with -", async () => {
      const byTotalDesc = await su.collection(blog.posts).getList(1, 10, { sort: "-total" });
      expect(byTotalDesc.items.map((i) => i.total)).toEqual([40, 30, 20, 10]);
      const byAuthorThenTitle = await su.collection(blog.posts).getList(1, 10, { sort: "author,-title" });
      const expected = [blog.post.alpha, blog.post.beta, blog.post.gamma, blog.post.delta]
        .map((p) => ({ author: p.author as string, title: p.title as string }))
        .sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : a.title < b.title ? 1 : -1))
        .map((p) => p.title);
      expect(byAuthorThenTitle.items.map((i) => i.title)).toEqual(expected);
    });

    it("sort -created,id orders newest first, ties by id", async () => {
      const res = await su.collection(blog.posts).getList(1, 10, { sort: "-created,id" });
      expect(res.items).toHaveLength(4);
      for (let i = 1; i < res.items.length; i++) {
        const prev = res.items[i - 1] as RecordModel;
        const cur = res.items[i] as RecordModel;
        expect(prev.created >= cur.created).toBe(true);
        if (prev.created === cur.created) expect(prev.id < cur.id).toBe(true);
      }
    });

    it("sort @random returns every record once", async () => {
      const res = await su.collection(blog.posts).getList(1, 10, { sort: "@random" });
      expect(sorted(ids(res.items))).toEqual(sorted(Object.values(blog.post).map((p) => p.id)));
    });

    it("sort on a relation path works (author.name)", async () => {
      const res = await su
        .collection(blog.posts)
        .getList(1, 10, { sort: "-author.name,title", filter: "author != ''" });
      expect(res.items.map((i) => i.title)).toEqual(["Beta", "Alpha", "Gamma"]);
    });

    it.each([
      ["total > 15", ["beta", "gamma", "delta"]],
      ["total >= 20 && total <= 30", ["beta", "gamma"]],
      ["total < 20 || title = 'Delta'", ["alpha", "delta"]],
      ['title = "Alpha"', ["alpha"]],
      ['title != "Alpha"', ["beta", "gamma", "delta"]],
      ['title ~ "lph"', ["alpha"]],
      ['title ~ "A%"', ["alpha"]],
      ['body !~ "fox"', ["beta", "gamma", "delta"]],
      ['tags ?= "b"', ["alpha", "beta"]],
      ['tags ?= "c"', ["delta"]],
      ['author.name = "Ann"', ["alpha", "gamma"]],
      ['author.org.name = "Globex"', ["beta"]],
      ['editors.name ?= "Cid"', ["alpha"]],
      ["published = true", ["alpha", "gamma"]],
      ["published = false", ["beta", "delta"]],
      ["author = null || author = ''", ["delta"]],
      ['(title = "Alpha" || title = "Beta") && total > 15', ["beta"]],
      ["tags:length = 2", ["alpha", "delta"]],
      ['title:lower = "gamma"', ["gamma"]],
      ["created <= @now", ["alpha", "beta", "gamma", "delta"]],
      ['title = "x\' OR 1=1 --"', []],
      ['body = "x\' OR 1=1 --"', ["delta"]],
    ])("filter %s", async (filter, expected) => {
      const res = await su.collection(blog.posts).getList(1, 50, { filter });
      const want = expected.map((k) => blog.post[k as keyof Blog["post"]].id);
      expect(sorted(ids(res.items))).toEqual(sorted(want));
      expect(res.totalItems).toBe(want.length);
    });

    it("filter through a back-relation (<comments>_via_post)", async () => {
      const res = await su
        .collection(blog.posts)
        .getList(1, 10, { filter: `${blog.comments}_via_post.text ?= "ok"` });
      expect(ids(res.items)).toEqual([blog.post.beta.id]);
      const byAuthor = await su
        .collection(blog.posts)
        .getList(1, 10, { filter: `${blog.comments}_via_post.by.name ?= "Bob"` });
      expect(ids(byAuthor.items)).toEqual([blog.post.alpha.id]);
    });

    it("filter with the SDK's pb.filter() parameter binding", async () => {
      const filter = su.filter("title = {:t} && total > {:n}", { t: "Beta", n: 5 });
      const res = await su.collection(blog.posts).getList(1, 10, { filter });
      expect(ids(res.items)).toEqual([blog.post.beta.id]);
    });

    it("skipTotal makes totals -1", async () => {
      const res = await su.collection(blog.posts).getList(1, 2, { sort: "title", skipTotal: true });
      expect(res.totalItems).toBe(-1);
      expect(res.totalPages).toBe(-1);
      expect(res.items.map((i) => i.title)).toEqual(["Alpha", "Beta"]);
    });

    it("fields picks keys", async () => {
      const res = await su.collection(blog.posts).getList(1, 10, { fields: "id,title", sort: "title" });
      expect(res.items[0]).toEqual({ id: blog.post.alpha.id, title: "Alpha" });
      expect(res.items.every((i) => Object.keys(i).sort().join() === "id,title")).toBe(true);
    });

    it("fields *,expand.author.name keeps every field and only the author's name", async () => {
      const r = await su
        .collection(blog.posts)
        .getOne(blog.post.alpha.id, { expand: "author", fields: "*,expand.author.name" });
      expect(r.title).toBe("Alpha");
      expect(r.total).toBe(10);
      expect(r.collectionName).toBe(blog.posts);
      expect(r.expand).toEqual({ author: { name: "Ann" } });
    });

    it("fields body:excerpt(10,true) shortens text", async () => {
      const r = await su
        .collection(blog.posts)
        .getOne(blog.post.alpha.id, { fields: "id,body:excerpt(10,true)" });
      expect(Object.keys(r).sort()).toEqual(["body", "id"]);
      expect(r.body).toBe("The quick...");
      const noEllipsis = await su
        .collection(blog.posts)
        .getOne(blog.post.alpha.id, { fields: "body:excerpt(9)" });
      expect(noEllipsis.body).toBe("The quick");
      const short = await su
        .collection(blog.posts)
        .getOne(blog.post.beta.id, { fields: "body:excerpt(100,true)" });
      expect(short.body).toBe("Lorem ipsum dolor");
    });

    it("expand a single relation", async () => {
      const r = await su.collection(blog.posts).getOne(blog.post.alpha.id, { expand: "author" });
      expect(r.expand?.author).toMatchObject({
        id: blog.author.ann.id,
        name: "Ann",
        collectionName: blog.authors,
      });
      const none = await su.collection(blog.posts).getOne(blog.post.delta.id, { expand: "author" });
      expect(none.expand?.author).toBeUndefined();
    });

    it("expand a multi relation keeps the stored order", async () => {
      const r = await su.collection(blog.posts).getOne(blog.post.alpha.id, { expand: "editors" });
      expect(((r.expand?.editors ?? []) as RecordModel[]).map((e) => e.name)).toEqual(["Bob", "Cid"]);
    });

    it("expand nested two levels and several paths at once", async () => {
      const r = await su
        .collection(blog.posts)
        .getOne(blog.post.alpha.id, { expand: "author.org,editors.org" });
      expect(r.expand?.author.name).toBe("Ann");
      expect(r.expand?.author.expand.org).toMatchObject({ id: blog.org.acme.id, name: "Acme" });
      const editors = r.expand?.editors as RecordModel[];
      expect(editors[0]?.expand?.org.name).toBe("Globex");
      expect(editors[1]?.expand).toBeUndefined(); // Cid has no org
    });

    it("expand a back-relation <comments>_via_post", async () => {
      const via = `${blog.comments}_via_post`;
      const list = await su.collection(blog.posts).getList(1, 10, { expand: via, sort: "title" });
      const byTitle = Object.fromEntries(list.items.map((i) => [i.title, i]));
      expect(sorted(((byTitle.Alpha?.expand?.[via] ?? []) as RecordModel[]).map((c) => c.text))).toEqual([
        "meh",
        "nice",
      ]);
      expect(((byTitle.Beta?.expand?.[via] ?? []) as RecordModel[]).map((c) => c.text)).toEqual(["ok"]);
      expect(byTitle.Gamma?.expand?.[via]).toBeUndefined();
      const nested = await su.collection(blog.posts).getOne(blog.post.beta.id, { expand: `${via}.by` });
      expect(nested.expand?.[via][0].expand.by.name).toBe("Ann");
    });

    it("expand of an unknown relation is ignored", async () => {
      const r = await su.collection(blog.posts).getOne(blog.post.alpha.id, { expand: "nope" });
      expect(r.id).toBe(blog.post.alpha.id);
      expect(r.expand ?? {}).toEqual({});
    });

    it("getFullList fetches every page", async () => {
      const all = await su.collection(blog.posts).getFullList({ batch: 2, sort: "title" });
      expect(all.map((i) => i.title)).toEqual(["Alpha", "Beta", "Delta", "Gamma"]);
      const filtered = await su.collection(blog.posts).getFullList({ filter: "total > 25", sort: "-total" });
      expect(filtered.map((i) => i.title)).toEqual(["Delta", "Gamma"]);
    });

    it("getFirstListItem finds one or 404s", async () => {
      const r = await su.collection(blog.posts).getFirstListItem('title = "Beta"', { expand: "author" });
      expect(r.id).toBe(blog.post.beta.id);
      expect(r.expand?.author.name).toBe("Bob");
      await expectSdkError(su.collection(blog.posts).getFirstListItem('title = "Nope"'), 404, {
        shape: "none",
      });
    });

    it("@request.auth.id in a filter is the signed-in user", async () => {
      const usersId = (await su.collections.getOne("users")).id;
      const mine = await createBlog(su, { usersId });
      const u1 = await signedInUser(() => server.client());
      const u2 = await signedInUser(() => server.client());
      await su.collection(mine.posts).update(mine.post.alpha.id, { owner: u1.id });
      await su.collection(mine.posts).update(mine.post.beta.id, { owner: u1.id });
      await su.collection(mine.posts).update(mine.post.gamma.id, { owner: u2.id });
      const res1 = await u1.pb.collection(mine.posts).getList(1, 10, { filter: "owner = @request.auth.id" });
      expect(sorted(ids(res1.items))).toEqual(sorted([mine.post.alpha.id, mine.post.beta.id]));
      const res2 = await u2.pb.collection(mine.posts).getList(1, 10, { filter: "owner = @request.auth.id" });
      expect(ids(res2.items)).toEqual([mine.post.gamma.id]);
      // For a guest @request.auth.id is "": only records without an owner match.
      const guest = await sdk(server.client())
        .collection(mine.posts)
        .getList(1, 10, { filter: "owner = @request.auth.id" });
      expect(ids(guest.items)).toEqual([mine.post.delta.id]);
      const byEmail = await u1.pb
        .collection(mine.posts)
        .getList(1, 10, { filter: "owner.email = @request.auth.email" });
      expect(byEmail.totalItems).toBe(2);
    });
  });

  describe("writing", () => {
    it("create, getOne, update, delete", async () => {
      const b = await createBlog(su);
      const P = su.collection(b.posts);
      const created = await P.create({
        title: "New",
        body: "text",
        tags: ["a"],
        author: b.author.bob.id,
        total: 1.5,
      });
      expect(created).toMatchObject({
        title: "New",
        body: "text",
        tags: ["a"],
        author: b.author.bob.id,
        total: 1.5,
        collectionName: b.posts,
      });
      expect(created.id).toMatch(/^[a-z0-9]{15}$/);
      expect(created.created).toBe(created.updated);
      const fetched = await P.getOne(created.id);
      expect(fetched).toEqual(created);

      await new Promise((r) => setTimeout(r, 5));
      const updated = await P.update(created.id, { title: "Renamed", published: true });
      expect(updated).toMatchObject({
        id: created.id,
        title: "Renamed",
        body: "text",
        published: true,
        total: 1.5,
      });
      expect(updated.created).toBe(created.created);
      expect(updated.updated > created.updated).toBe(true);
      expect((await P.getOne(created.id)).title).toBe("Renamed");

      expect(await P.delete(created.id)).toBe(true);
      await expectSdkError(P.getOne(created.id), 404);
      await expectSdkError(P.delete(created.id), 404);
      await expectSdkError(P.update(created.id, { title: "ghost" }), 404);
      expect(await countRecords(su, b.posts)).toBe(4);
    });

    it("create with expand returns the expanded record", async () => {
      const b = await createBlog(su);
      const r = await su
        .collection(b.posts)
        .create({ title: "E", author: b.author.ann.id }, { expand: "author" });
      expect(r.expand?.author.name).toBe("Ann");
      const u = await su
        .collection(b.posts)
        .update(r.id, { author: b.author.bob.id }, { expand: "author", fields: "id,expand.author.name" });
      expect(u).toEqual({ id: r.id, expand: { author: { name: "Bob" } } });
    });

    it("create with a chosen id; a taken id → 400; the id cannot change", async () => {
      const b = await createBlog(su);
      const id = "abcdefghij12345";
      const r = await su.collection(b.posts).create({ id, title: "Mine" });
      expect(r.id).toBe(id);
      const dup = await expectSdkError(su.collection(b.posts).create({ id, title: "Again" }), 400);
      expect(issueCode(dup, "id")).toBe("validation_not_unique");
      await su
        .collection(b.posts)
        .update(id, { id: "zzzzzzzzzzzzzzz", title: "Changed" })
        .catch(() => undefined);
      expect((await su.collection(b.posts).getOne(id)).id).toBe(id);
      await expectSdkError(su.collection(b.posts).getOne("zzzzzzzzzzzzzzz"), 404);
      const badId = await expectSdkError(su.collection(b.posts).create({ id: "short", title: "x" }), 400);
      expect(issueCode(badId, "id")).toBeDefined();
      expect(await countRecords(su, b.posts)).toBe(5);
    });

    it("unknown keys in the body are ignored", async () => {
      const b = await createBlog(su);
      const r = await su
        .collection(b.posts)
        .create({ title: "T", nope: "x", collectionName: "evil", expand: { a: 1 } });
      expect(r).not.toHaveProperty("nope");
      expect(r.collectionName).toBe(b.posts);
      expect(r.expand).toBeUndefined();
    });

    it("autodate fields are not writable", async () => {
      const b = await createBlog(su);
      const r = await su
        .collection(b.posts)
        .create({ title: "T", created: "2000-01-01 00:00:00.000Z", updated: "2000-01-01 00:00:00.000Z" });
      expect(r.created.startsWith("2000")).toBe(false);
      expect(r.updated.startsWith("2000")).toBe(false);
    });

    it("modifiers tags+, +tags, tags- on a multi select", async () => {
      const b = await createBlog(su);
      const P = su.collection(b.posts);
      const id = b.post.beta.id; // tags ["b"]
      expect((await P.update(id, { "tags+": "c" })).tags).toEqual(["b", "c"]);
      expect((await P.update(id, { "+tags": "a" })).tags).toEqual(["a", "b", "c"]);
      expect((await P.update(id, { "tags-": "b" })).tags).toEqual(["a", "c"]);
      expect((await P.update(id, { "tags+": ["b", "d"] })).tags).toEqual(["a", "c", "b", "d"]);
      expect((await P.update(id, { "tags-": ["a", "d", "zzz"] })).tags).toEqual(["c", "b"]);
      const bad = await expectSdkError(P.update(id, { "tags+": "nope" }), 400);
      expect(issueCode(bad, "tags")).toBe("validation_invalid_value");
      expect((await P.getOne(id)).tags).toEqual(["c", "b"]);
    });

    it("modifiers on a multi relation: editors+, editors-", async () => {
      const b = await createBlog(su);
      const P = su.collection(b.posts);
      const id = b.post.beta.id; // editors [ann]
      expect((await P.update(id, { "editors+": b.author.cid.id })).editors).toEqual([
        b.author.ann.id,
        b.author.cid.id,
      ]);
      expect((await P.update(id, { "editors-": b.author.ann.id })).editors).toEqual([b.author.cid.id]);
      const bad = await expectSdkError(P.update(id, { "editors+": "nosuchrecord000" }), 400);
      expect(issueCode(bad, "editors")).toBe("validation_missing_rel_records");
    });

    it("modifiers total+ and total- on a number", async () => {
      const b = await createBlog(su);
      const P = su.collection(b.posts);
      const id = b.post.alpha.id; // total 10
      expect((await P.update(id, { "total+": 5 })).total).toBe(15);
      expect((await P.update(id, { "total-": 3 })).total).toBe(12);
      expect((await P.update(id, { "total+": "2.5" })).total).toBe(14.5);
      expect((await P.getOne(id)).total).toBe(14.5);
    });

    it("validation errors: 400 with a code per field, nothing written", async () => {
      const b = await createBlog(su);
      const P = su.collection(b.posts);
      const before = await countRecords(su, b.posts);

      const missing = await expectSdkError(P.create({ body: "no title" }), 400);
      expect(issueCode(missing, "title")).toBe("validation_required");

      const tooLong = await expectSdkError(P.create({ title: "x".repeat(41) }), 400);
      expect(issueCode(tooLong, "title")).toBe("validation_max_text_constraint");

      const badSelect = await expectSdkError(P.create({ title: "ok", tags: ["a", "zzz"] }), 400);
      expect(issueCode(badSelect, "tags")).toBe("validation_invalid_value");

      const badRel = await expectSdkError(P.create({ title: "ok", author: "nosuchrecord000" }), 400);
      expect(issueCode(badRel, "author")).toBe("validation_missing_rel_records");

      const badMultiRel = await expectSdkError(
        P.create({ title: "ok", editors: [b.author.ann.id, "nosuchrecord000"] }),
        400,
      );
      expect(issueCode(badMultiRel, "editors")).toBe("validation_missing_rel_records");

      const relToOtherCollection = await expectSdkError(
        P.create({ title: "ok", author: b.post.alpha.id }),
        400,
      );
      expect(issueCode(relToOtherCollection, "author")).toBe("validation_missing_rel_records");

      const several = await expectSdkError(P.create({ title: "", tags: ["zzz"] }), 400);
      expect(issueCode(several, "title")).toBe("validation_required");
      expect(issueCode(several, "tags")).toBe("validation_invalid_value");

      const updBad = await expectSdkError(P.update(b.post.alpha.id, { title: "" }), 400);
      expect(issueCode(updBad, "title")).toBe("validation_required");
      expect((await P.getOne(b.post.alpha.id)).title).toBe("Alpha");

      expect(await countRecords(su, b.posts)).toBe(before);
    });

    it("field option validation: number, text, email, url, date, json, geoPoint, select", async () => {
      const name = uniqueName("typed");
      await su.collections.create({
        name,
        type: "base",
        fields: [
          { name: "qty", type: "number", min: 1, max: 100, onlyInt: true },
          { name: "code", type: "text", min: 3, pattern: "^[A-Z]+$" },
          { name: "mail", type: "email", onlyDomains: ["example.com"] },
          { name: "site", type: "url" },
          { name: "due", type: "date", min: "2020-01-01 00:00:00.000Z", max: "2030-01-01 00:00:00.000Z" },
          { name: "meta", type: "json", maxSize: 50 },
          { name: "spot", type: "geoPoint" },
          { name: "one", type: "select", values: ["x", "y"], maxSelect: 1 },
          { name: "many", type: "select", values: ["x", "y", "z"], maxSelect: 2 },
        ],
      } as never);
      const T = su.collection(name);
      const cases: [Record<string, unknown>, string, string][] = [
        [{ qty: 101 }, "qty", "validation_max_number_constraint"],
        [{ qty: -5 }, "qty", "validation_min_number_constraint"],
        [{ qty: 2.5 }, "qty", "validation_only_int_constraint"],
        [{ code: "AB" }, "code", "validation_min_text_constraint"],
        [{ code: "abc" }, "code", "validation_invalid_format"],
        [{ mail: "not an email" }, "mail", "validation_is_email"],
        [{ mail: "a@other.org" }, "mail", "validation_email_domain_not_allowed"],
        [{ site: "not a url" }, "site", "validation_invalid_url"],
        [{ due: "2019-12-31 23:59:59.000Z" }, "due", "validation_min_greater_equal_than_required"],
        [{ due: "2031-01-01 00:00:00.000Z" }, "due", "validation_max_less_equal_than_required"],
        [{ due: "not a date" }, "due", "validation_invalid_date"],
        [{ meta: { long: "x".repeat(100) } }, "meta", "validation_json_size_limit"],
        [{ spot: { lon: 200, lat: 0 } }, "spot", "validation_invalid_longitude"],
        [{ spot: { lon: 0, lat: 91 } }, "spot", "validation_invalid_latitude"],
        [{ one: "q" }, "one", "validation_invalid_value"],
        [{ many: ["x", "y", "z"] }, "many", "validation_too_many_values"],
      ];
      for (const [body, field, code] of cases) {
        const err = await expectSdkError(T.create(body), 400);
        expect(issueCode(err, field), JSON.stringify(body)).toBe(code);
      }
      expect(await countRecords(su, name)).toBe(0);
      const ok = await T.create({
        qty: 7,
        code: "ABC",
        mail: "z@example.com",
        site: "https://x.dev",
        due: "2025-01-01 00:00:00.000Z",
        meta: [1],
        spot: { lon: 1, lat: 2 },
        one: "y",
        many: ["z", "x"],
      });
      expect(ok).toMatchObject({
        qty: 7,
        code: "ABC",
        mail: "z@example.com",
        one: "y",
        many: ["z", "x"],
        spot: { lon: 1, lat: 2 },
        meta: [1],
      });
    });

    it("deleting a record cascades to cascadeDelete relations and unlinks the others", async () => {
      const b = await createBlog(su);
      // alpha has comments c1, c2 (post → cascadeDelete)
      await su.collection(b.posts).delete(b.post.alpha.id);
      await expectSdkError(su.collection(b.comments).getOne(b.comment.c1.id), 404);
      await expectSdkError(su.collection(b.comments).getOne(b.comment.c2.id), 404);
      expect((await su.collection(b.comments).getOne(b.comment.c3.id)).post).toBe(b.post.beta.id);
      // ann is author of gamma and editor of beta (no cascade): she is removed from them
      await su.collection(b.authors).delete(b.author.ann.id);
      expect((await su.collection(b.posts).getOne(b.post.gamma.id)).author).toBe("");
      expect((await su.collection(b.posts).getOne(b.post.beta.id)).editors).toEqual([]);
      expect((await su.collection(b.comments).getOne(b.comment.c3.id)).by).toBe("");
      expect(await countRecords(su, b.posts)).toBe(3);
      expect(await countRecords(su, b.comments)).toBe(1);
    });

    it("a required relation blocks deleting its target", async () => {
      const b = await createBlog(su);
      const name = uniqueName("reviews");
      await su.collections.create({
        name,
        type: "base",
        fields: [
          {
            name: "post",
            type: "relation",
            required: true,
            collectionId: (await su.collections.getOne(b.posts)).id,
            maxSelect: 1,
          },
        ],
      } as never);
      const review = await su.collection(name).create({ post: b.post.gamma.id });
      await expectSdkError(su.collection(b.posts).delete(b.post.gamma.id), 400);
      expect((await su.collection(b.posts).getOne(b.post.gamma.id)).id).toBe(b.post.gamma.id);
      expect((await su.collection(name).getOne(review.id)).post).toBe(b.post.gamma.id);
    });
  });
});
