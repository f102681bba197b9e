/**
 * The requests PocketBase's own dashboard (v0.39, its built `ui/dist`) sends, replayed through the
 * SDK as it sends them, so the dashboard keeps working in front of Backroom. Each test names the
 * dashboard screen it stands for.
 */
import type PocketBase from "pocketbase";
import type { RecordModel } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSdkError, issueCode, raw, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(await storesUnderTest())("PocketBase dashboard requests (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let notes: { id: string; name: string };
  let inserted: RecordModel[];

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    notes = await su.collections.create({
      name: uniqueName("notes"),
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "created", type: "autodate", onCreate: true, onUpdate: false },
        { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
      ],
    } as never);
    inserted = [];
    // Titles run against insertion order, so a sort by title or id can't pass for `@rowid`.
    for (const title of ["zulu", "mike", "alpha", "kilo"]) {
      inserted.push(await su.collection(notes.name).create({ title }));
      await sleep(3); // distinct `created` milliseconds (what PostgreSQL's @rowid orders by)
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it("records list: sort -@rowid gives the newest insert first", async () => {
    const page = await su.collection(notes.name).getList(1, 30, { skipTotal: true, sort: "-@rowid" });
    expect(page.items.map((r) => r.title)).toEqual(["kilo", "alpha", "mike", "zulu"]);
    expect(page.totalItems).toBe(-1);
    const ascending = await su.collection(notes.name).getList(1, 2, { sort: "@rowid" });
    expect(ascending.items.map((r) => r.title)).toEqual(["zulu", "mike"]);
  });

  it("records list: @rowid pages like any sort key, mixed with others", async () => {
    const second = await su.collection(notes.name).getList(2, 2, { skipTotal: true, sort: "-@rowid" });
    expect(second.items.map((r) => r.title)).toEqual(["mike", "zulu"]);
    const mixed = await su.collection(notes.name).getList(1, 30, { sort: "title,-@rowid" });
    expect(mixed.items.map((r) => r.title)).toEqual(["alpha", "kilo", "mike", "zulu"]);
  });

  it("relation picker: list by collection id, search filter, -@rowid", async () => {
    const page = await su.collection(notes.id).getList(1, 50, {
      filter: 'title ~ "i"',
      skipTotal: true,
      sort: "-@rowid",
    });
    expect(page.items.map((r) => r.id)).toEqual([inserted[3]?.id, inserted[1]?.id]);
  });

  it("a collection without `created` still sorts by @rowid", async () => {
    const bare = await su.collections.create({
      name: uniqueName("bare"),
      type: "base",
      fields: [{ name: "n", type: "number" }],
    } as never);
    for (const n of [3, 1, 2]) await su.collection(bare.name).create({ n });
    const page = await su.collection(bare.name).getList(1, 30, { sort: "-@rowid" });
    expect(page.items.map((r) => r.n).sort()).toEqual([1, 2, 3]);
    // SQLite numbers rows as they come; PostgreSQL has only the id to go by there (docs/API.md).
    if (kind === "sqlite") expect(page.items.map((r) => r.n)).toEqual([2, 1, 3]);
  });

  it("@rowid sorts tables only and is no filter identifier, as in PocketBase", async () => {
    const view = await su.collections.create({
      name: uniqueName("notes_view"),
      type: "view",
      viewQuery: `SELECT id, title FROM ${notes.name}`,
    } as never);
    const table = await su.collection(notes.name).getList(1, 1, { sort: "-@rowid" });
    expect(table.items.map((r) => r.title)).toEqual(["kilo"]);
    // Views have no rows of their own to number (the dashboard sends no sort for them).
    const err = await expectSdkError(su.collection(view.name).getList(1, 30, { sort: "-@rowid" }), 400);
    expect(err.response.message).toMatch(/sort/i);
    expect((await su.collection(view.name).getList(1, 30)).items).toHaveLength(4);
    await expectSdkError(su.collection(notes.name).getList(1, 30, { filter: "@rowid > 0" }), 400);
  });

  it("a field can't be named _rowid_ (it would hide SQLite's rowid)", async () => {
    const err = await expectSdkError(
      su.collections.create({
        name: uniqueName("shadow"),
        type: "base",
        fields: [{ name: "_rowid_", type: "number" }], // after the id field the server adds
      } as never),
      400,
    );
    expect(issueCode(err, "fields", "1", "name")).toBe("validation_reserved_name");
  });

  it("the exact query strings the dashboard (v0.39.11) sends for its lists", async () => {
    const authors = await su.collections.create({
      name: uniqueName("authors"),
      type: "base",
      fields: [{ name: "name", type: "text", presentable: true }],
    } as never);
    const posts = await su.collections.create({
      name: uniqueName("posts"),
      type: "base",
      fields: [
        { name: "body", type: "editor" },
        { name: "author", type: "relation", collectionId: authors.id, maxSelect: 1 },
      ],
    } as never);
    const ann = await su.collection(authors.name).create({ name: "Ann" });
    await su.collection(posts.name).create({ body: `<p>${"long ".repeat(100)}</p>`, author: ann.id });
    await su.collection(posts.name).create({ body: "<p>short</p>", author: ann.id });
    const get = (path: string) => raw(server.url, path, { token: su.authStore.token });

    // Records list: relations expanded, editor fields as excerpts, newest first.
    const list = await get(
      `/api/collections/${posts.name}/records?page=1&perPage=40&skipTotal=1&filter=&sort=-%40rowid&expand=author&fields=*%2Cexpand.*%2Cbody%3Aexcerpt(200%2Ctrue)`,
    );
    expect(list.status, list.text).toBe(200);
    const items = (list.body as { items: Record<string, unknown>[] }).items;
    expect(items.map((i) => i.body)).toEqual(["short", expect.stringMatching(/^long long .*\.\.\.$/)]);
    expect(items[0]?.expand).toMatchObject({ author: { name: "Ann" } });
    expect((list.body as { totalItems: number }).totalItems).toBe(-1);

    // Relation picker: by collection id, newest first.
    const picker = await get(
      `/api/collections/${authors.id}/records?page=1&perPage=50&filter=&skipTotal=1&sort=-%40rowid`,
    );
    expect(picker.status, picker.text).toBe(200);

    // Logs list, without the superuser's own requests, in the window the chart shows.
    const until = new Date(Date.now() + 60_000).toISOString().replace("T", " ");
    const logs = await get(
      `/api/logs?page=1&perPage=50&skipTotal=1&sort=-%40rowid&filter=${encodeURIComponent(`(data.auth!='_superusers')&&(created <= "${until}")`)}`,
    );
    expect(logs.status, logs.text).toBe(200);
  });

  it("logs list: sort -@rowid with the dashboard's date window filter", async () => {
    // Requests are logged in batches; the notes' creations above are among them.
    let items: { created: string }[] = [];
    const deadline = Date.now() + 5000;
    while (items.length < 2 && Date.now() < deadline) {
      await sleep(200);
      const now = new Date().toISOString().replace("T", " ");
      const page = await su.logs.getList(1, 50, {
        skipTotal: true,
        sort: "-@rowid",
        filter: [`created <= "${now}"`, 'data.url ~ "/records"'].map((f) => `(${f})`).join("&&"),
      });
      items = page.items;
    }
    expect(items.length).toBeGreaterThanOrEqual(2);
    const created = items.map((i) => i.created);
    expect(created).toEqual([...created].sort().reverse());
  });
});
