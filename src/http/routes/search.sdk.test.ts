/**
 * Full-text search (issue #21 point 1): `searchable` text/editor fields, `search()` in filters,
 * `?search=`, `sort=-@rank`, prefixes, `?snippet=1`, rules, and the index kept in step with every
 * write and schema change. Through the real SDK, on both stores; every expectation here is one
 * SQLite's FTS5 and PostgreSQL's tsvector agree on (docs/API.md "Full-text search").
 */

import type PocketBase from "pocketbase";
import type { RecordSubscription } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Collector, installEventSource } from "../../realtime/test-support/collector.js";
import {
  expectRawError,
  expectSdkError,
  issueCode,
  raw,
  sdk,
  signedInUser,
  uniqueName,
} from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

installEventSource();

describe.each(await storesUnderTest())("full-text search (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let guest: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    guest = sdk(server.client());
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A public-read collection with a searchable title (text) and body (editor). */
  async function recipes(opts: { language?: string; listRule?: string } = {}) {
    const name = uniqueName("recipes");
    await su.collections.create({
      name,
      type: "base",
      fields: [
        { name: "title", type: "text", searchable: true },
        { name: "body", type: "editor", searchable: true },
        { name: "note", type: "text" },
        { name: "published", type: "bool" },
      ],
      listRule: opts.listRule ?? "",
      viewRule: "",
      createRule: "",
      ...(opts.language ? { searchLanguage: opts.language } : {}),
    } as never);
    return name;
  }

  async function titles(pb: PocketBase, name: string, options: Record<string, unknown>): Promise<string[]> {
    const page = await pb.collection(name).getList(1, 50, { sort: "title", ...options });
    return page.items.map((r) => r["title"] as string);
  }

  it("finds records by the words of their searchable fields, alone and with other filter terms", async () => {
    const name = await recipes();
    const c = su.collection(name);
    await c.create({ title: "Carrot cake", body: "<p>Grate the carrots.</p>", published: true });
    await c.create({ title: "Lemon tart", body: "<p>A cake for <b>lemon</b> lovers</p>", published: false });
    await c.create({ title: "Bread", body: "<p>Flour, water, salt</p>", note: "cake", published: true });

    expect(await titles(guest, name, { filter: "search('cake')" })).toEqual(["Carrot cake", "Lemon tart"]);
    expect(await titles(guest, name, { filter: "search('CAKE lemon')" })).toEqual(["Lemon tart"]);
    expect(await titles(guest, name, { filter: "search('cake') && published = true" })).toEqual([
      "Carrot cake",
    ]);
    expect(await titles(guest, name, { filter: "search('lemon') || title = 'Bread'" })).toEqual([
      "Bread",
      "Lemon tart",
    ]);
    expect(
      await titles(guest, name, { filter: "search('salt') && (published = false || note = 'cake')" }),
    ).toEqual(["Bread"]);
    // The shortcut is ANDed with the filter; the non-searchable `note` is not searched.
    expect(await titles(guest, name, { search: "cake", filter: "published = true" })).toEqual([
      "Carrot cake",
    ]);
    expect(await titles(guest, name, { search: "water" })).toEqual(["Bread"]);
    expect(await titles(guest, name, { search: "nothing" })).toEqual([]);
    const counted = await guest.collection(name).getList(1, 1, { search: "cake" });
    expect(counted.totalItems).toBe(2);
  });

  it("matches a prefix only when the word ends with *", async () => {
    const name = await recipes();
    await su.collection(name).create({ title: "Chocolate mousse" });
    await su.collection(name).create({ title: "Choc ices" });
    expect(await titles(guest, name, { search: "choc*" })).toEqual(["Choc ices", "Chocolate mousse"]);
    expect(await titles(guest, name, { search: "choc" })).toEqual(["Choc ices"]);
    expect(await titles(guest, name, { filter: "search('mou* choc*')" })).toEqual(["Chocolate mousse"]);
  });

  it("sorts by relevance with -@rank, from ?search= or from search() in the filter", async () => {
    const name = await recipes();
    const filler = "with flour and butter and sugar and eggs and milk and a pinch of salt in the bowl";
    await su.collection(name).create({ title: "Sponge", body: `<p>One cake ${filler}</p>` });
    await su.collection(name).create({ title: "Layer", body: "<p>cake cake cake</p>" });
    await su.collection(name).create({ title: "Scones", body: "<p>no match here</p>" });
    expect(await titles(guest, name, { search: "cake", sort: "-@rank" })).toEqual(["Layer", "Sponge"]);
    expect(await titles(guest, name, { filter: "search('cake')", sort: "-@rank,id" })).toEqual([
      "Layer",
      "Sponge",
    ]);
    expect(await titles(guest, name, { search: "cake", sort: "@rank" })).toEqual(["Sponge", "Layer"]);
    const err = await expectSdkError(guest.collection(name).getList(1, 5, { sort: "-@rank" }), 400);
    expect(issueCode(err, "sort")).toBe("validation_invalid_sort");
  });

  it("adds HTML-escaped snippets with <mark>ed words on request", async () => {
    const name = await recipes();
    await su.collection(name).create({
      title: "Cake <script>alert(1)</script>",
      body: `<p>${"word ".repeat(30)}the best cake &amp; tea ${"more ".repeat(30)}</p>`,
    });
    const plain = await guest.collection(name).getList(1, 5, { search: "cake" });
    expect(plain.items[0]?.["@snippet"]).toBeUndefined();
    const page = await guest.collection(name).getList(1, 5, { search: "cake", snippet: 1, fields: "id" });
    const snippet = page.items[0]?.["@snippet"] as Record<string, string>;
    expect(snippet.title).toBe("<mark>Cake</mark> &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(snippet.body).toMatch(/^….*the best <mark>cake<\/mark> &amp; tea.*…$/);
    expect(snippet.body).not.toContain("<p>");
  });

  it("applies the list rule: a search never shows rows the requester may not list", async () => {
    const name = await recipes({ listRule: "published = true" });
    await su.collection(name).create({ title: "Public pie", published: true });
    await su.collection(name).create({ title: "Secret pie", published: false });
    expect(await titles(guest, name, { search: "pie" })).toEqual(["Public pie"]);
    expect(await titles(guest, name, { search: "secret" })).toEqual([]);
    expect((await guest.collection(name).getList(1, 5, { search: "pie" })).totalItems).toBe(1);
    expect(await titles(su, name, { search: "pie" })).toEqual(["Public pie", "Secret pie"]);
    const { pb: user } = await signedInUser(() => server.client());
    expect(await titles(user, name, { filter: "search('secret') || published = true" })).toEqual([
      "Public pie",
    ]);
  });

  it("filters realtime events with search() as lists do (exact words and prefixes)", async () => {
    const name = await recipes();
    const listener = sdk(server.client());
    const events = new Collector<RecordSubscription>();
    const stop = await listener
      .collection(name)
      .subscribe("*", events.push, { filter: "search('cake choc*')" });
    await su.collection(name).create({ title: "Plain bread" });
    await su.collection(name).create({ title: "Chocolate cake" });
    const [event] = await events.waitFor(1);
    expect(event?.record["title"]).toBe("Chocolate cake");
    await su.collection(name).create({ title: "Cake only" });
    await su.collection(name).create({ title: "Choc chip cake" });
    const second = await events.waitFor(2);
    expect(second.map((e) => e.record["title"])).toEqual(["Chocolate cake", "Choc chip cake"]);
    await stop();
  });

  it("keeps the index in step with creates, updates, deletes and batches", async () => {
    const name = await recipes();
    const c = su.collection(name);
    const r = await c.create({ title: "Apple crumble" });
    await c.update(r.id, { title: "Pear crumble" });
    expect(await titles(guest, name, { search: "apple" })).toEqual([]);
    expect(await titles(guest, name, { search: "pear" })).toEqual(["Pear crumble"]);
    await c.update(r.id, { note: "unrelated change" });
    expect(await titles(guest, name, { search: "crumble" })).toEqual(["Pear crumble"]);
    await c.delete(r.id);
    expect(await titles(guest, name, { search: "crumble" })).toEqual([]);

    const batch = su.createBatch();
    batch.collection(name).create({ title: "Plum jam" });
    batch.collection(name).create({ title: "Fig jam" });
    await batch.send();
    expect(await titles(guest, name, { search: "jam" })).toEqual(["Fig jam", "Plum jam"]);
    // A batch that fails leaves neither the rows nor their words.
    const failing = su.createBatch();
    failing.collection(name).create({ title: "Quince jam" });
    failing.collection(name).create({ title: "x", published: "not a bool" });
    await expectSdkError(failing.send(), 400, { shape: "lenient" });
    expect(await titles(guest, name, { search: "quince" })).toEqual([]);
  });

  it("builds the index for existing rows when a field becomes searchable, follows renames, and drops it", async () => {
    const name = uniqueName("plain");
    const created = await su.collections.create({
      name,
      type: "base",
      fields: [{ name: "title", type: "text" }],
      listRule: "",
    } as never);
    await su.collection(name).create({ title: "Old dusty scroll" });
    const err = await expectSdkError(guest.collection(name).getList(1, 5, { search: "dusty" }), 400);
    expect(issueCode(err, "filter")).toBe("validation_invalid_filter");

    const collection = await su.collections.getOne(created.id);
    const fields = collection.fields.map((f) => (f.name === "title" ? { ...f, searchable: true } : f));
    await su.collections.update(created.id, { fields } as never);
    expect(await titles(guest, name, { search: "dusty" })).toEqual(["Old dusty scroll"]);

    const renamed = uniqueName("scrolls");
    const renamedFields = fields.map((f) => (f.name === "title" ? { ...f, name: "heading" } : f));
    await su.collections.update(created.id, { name: renamed, fields: renamedFields } as never);
    await su.collection(renamed).create({ heading: "New dusty map" });
    const found = await guest.collection(renamed).getList(1, 5, { search: "dusty", sort: "heading" });
    expect(found.items.map((r) => r["heading"])).toEqual(["New dusty map", "Old dusty scroll"]);

    const off = renamedFields.map((f) => (f.name === "heading" ? { ...f, searchable: false } : f));
    await su.collections.update(created.id, { fields: off } as never);
    await expectSdkError(guest.collection(renamed).getList(1, 5, { search: "dusty" }), 400);
    await su.collections.delete(created.id);
  });

  it("stems words with searchLanguage english", async () => {
    const name = await recipes({ language: "english" });
    await su.collection(name).create({ title: "Baking bread" });
    await su.collection(name).create({ title: "Simple salads" });
    expect(await titles(guest, name, { search: "bakes" })).toEqual(["Baking bread"]);
    expect(await titles(guest, name, { search: "salad" })).toEqual(["Simple salads"]);
    const simple = await recipes();
    await su.collection(simple).create({ title: "Baking bread" });
    expect(await titles(guest, simple, { search: "bakes" })).toEqual([]);
  });

  it("keeps searchable and searchLanguage through the collections export and import", async () => {
    const name = await recipes({ language: "english" });
    const exported = (await su.collections.getFullList()).filter((c) => c.name === name);
    expect(exported[0]?.["searchLanguage"]).toBe("english");
    expect(exported[0]?.fields.find((f) => f.name === "title")?.["searchable"]).toBe(true);
    const changed = exported.map((c) => ({ ...c, searchLanguage: "simple" }));
    await su.collections.import(changed as never, false);
    const back = await su.collections.getOne(name);
    expect(back["searchLanguage"]).toBe("simple");
    await su.collection(name).create({ title: "Baking day" });
    expect(await titles(guest, name, { search: "baking" })).toEqual(["Baking day"]);
    expect(await titles(guest, name, { search: "bakes" })).toEqual([]);
  });

  it("refuses invalid search options on collection save", async () => {
    const base = { name: uniqueName("bad"), type: "base", listRule: "" };
    const hidden = await expectSdkError(
      su.collections.create({
        ...base,
        fields: [{ name: "secret", type: "text", searchable: true, hidden: true }],
      } as never),
      400,
    );
    expect(issueCode(hidden, "fields", "1", "searchable")).toBe("validation_hidden_search");
    const rank = await expectSdkError(
      su.collections.create({ ...base, fields: [{ name: "rank", type: "text", searchable: true }] } as never),
      400,
    );
    expect(issueCode(rank, "fields", "1", "searchable")).toBe("validation_reserved_search_name");
    const language = await expectSdkError(
      su.collections.create({ ...base, fields: [], searchLanguage: "klingon" } as never),
      400,
    );
    expect(issueCode(language, "searchLanguage")).toBe("validation_in_invalid");
    const notBool = await expectSdkError(
      su.collections.create({ ...base, fields: [{ name: "t", type: "text", searchable: "yes" }] } as never),
      400,
    );
    expect(issueCode(notBool, "fields", "1", "searchable")).toBe("validation_invalid_value");
  });

  it("neutralizes search syntax and refuses hostile queries with a 400", async () => {
    const name = await recipes();
    await su.collection(name).create({ title: "Near the cake", body: "<p>title body</p>" });
    // Engine syntax is only separators between words: quotes, NEAR(), column filters, AND/OR/NOT, ^, +, -.
    for (const search of [
      '"cake',
      "NEAR(cake near, 5)",
      "title:cake",
      "{title body}: cake",
      "cake AND NOT near",
      "^cake -near +the",
      "cake' OR 1=1 --",
      "cake)(",
      "cake & near | !the <-> :*",
    ]) {
      const page = await guest.collection(name).getList(1, 5, { search });
      expect(page.items.length, search).toBeLessThanOrEqual(1);
    }
    expect(await titles(guest, name, { search: '"near" "CAKE"' })).toEqual(["Near the cake"]);
    expect(await titles(guest, name, { filter: `search('the \\'cake\\'')` })).toEqual(["Near the cake"]);

    const bad = async (options: Record<string, unknown>, key = "filter") => {
      const err = await expectSdkError(guest.collection(name).getList(1, 5, options), 400);
      if (key) expect(issueCode(err, key), JSON.stringify(options)).toMatch(/^validation_invalid_/);
      expect(JSON.stringify(err.response)).not.toMatch(/at .*\.(ts|js):\d+|SQLITE|fts5|tsquery/i);
    };
    await bad({ search: "*" }, "search");
    await bad({ search: '"" ()' }, "search");
    await bad({ search: "c*" }, "search");
    await bad({ search: Array.from({ length: 17 }, (_, i) => `w${i}`).join(" ") }, "search");
    await bad({ search: "x".repeat(101) }, "search");
    await bad({ filter: "search('*')" });
    await bad({ search: "cake ".repeat(2048) }, "");
    await bad({ filter: "search(title)" });
    await bad({ filter: "search('a', 'b')" });
    await bad({ filter: "search()" });
    await bad({ filter: "search('cake') = true" });
    await bad({ filter: "title = search('cake')" });
    await bad({ filter: `search('${"y".repeat(5000)}')` }, "");
    // The server is fine afterwards.
    expect(await titles(guest, name, { search: "cake" })).toEqual(["Near the cake"]);
  });

  it("leaves the index out of backups and rebuilds it on restore", async () => {
    const name = await recipes({ language: "english" });
    await su.collection(name).create({ title: "Saved soup" });
    const key = `${uniqueName("search")}.zip`;
    await su.backups.create(key);
    await su.collection(name).create({ title: "Later soup" });
    await su.backups.restore(key);
    const fresh = await server.superuserClient();
    expect(await titles(fresh, name, { search: "soups" })).toEqual(["Saved soup"]);
    await fresh.collection(name).create({ title: "Restored soup" });
    expect(await titles(fresh, name, { search: "soup", sort: "-@rank,title" })).toEqual([
      "Restored soup",
      "Saved soup",
    ]);
  });

  it("exports only the records a search finds (?search= on the export endpoint)", async () => {
    const name = await recipes({ listRule: "published = true" });
    await su.collection(name).create({ title: "Hidden tart", published: false });
    await su.collection(name).create({ title: "Shown tart", published: true });
    await su.collection(name).create({ title: "Shown bun", published: true });
    const res = await raw(server.url, `/api/collections/${name}/export?format=ndjson&search=tart`);
    expect(res.status).toBe(200);
    const rows = res.text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { title: string });
    expect(rows.map((r) => r.title)).toEqual(["Shown tart"]);
    expectRawError(await raw(server.url, `/api/collections/${name}/export?search=*`), 400);
  });

  it("answers a raw request with an oversized or malformed search in the API's error shape", async () => {
    const name = await recipes();
    const res = await raw(server.url, `/api/collections/${name}/records?search=${"%22".repeat(3000)}`);
    expectRawError(res, 400);
    const nul = await raw(server.url, `/api/collections/${name}/records?search=cake%00%FF`);
    expect(nul.status).toBe(200);
  });
});
