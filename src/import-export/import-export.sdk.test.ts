import { Readable } from "node:stream";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRawError, raw, signedInUser, uniqueName } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import type { ImportReport } from "./import-records.js";
import { csvRows } from "./row-reader.js";

async function parseCsv(text: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const row of csvRows(Readable.from([text]))) rows.push(row.fields ?? []);
  return rows;
}

describe.each(await storesUnderTest())("import and export (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let usersId: string;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    usersId = (await su.collections.getOne("users")).id;
  });
  afterAll(async () => {
    await server?.close();
  });

  async function notes(rules: { listRule?: string | null; createRule?: string | null } = {}) {
    const name = uniqueName("notes");
    await su.collections.create({
      name,
      type: "base",
      fields: [
        { name: "title", type: "text", required: true },
        { name: "owner", type: "relation", collectionId: usersId, maxSelect: 1 },
        { name: "secret", type: "text", hidden: true },
        { name: "n", type: "number" },
        { name: "done", type: "bool" },
        { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
        { name: "meta", type: "json" },
      ],
      listRule: "",
      createRule: "",
      ...rules,
    });
    return name;
  }

  const importAs = (token: string, name: string, body: string, type: string) =>
    raw(server.url, `/api/collections/${name}/import`, {
      method: "POST",
      body,
      headers: { "content-type": type },
      token,
    });

  it("export streams what the requester may list, filtered, without hidden fields, as CSV and NDJSON", async () => {
    const name = await notes({ listRule: "owner = @request.auth.id" });
    const alice = await signedInUser(() => server.client());
    const bob = await signedInUser(() => server.client());
    for (let i = 0; i < 5; i++)
      await su.collection(name).create({
        title: `alice, "quoted"\nline ${i}`,
        owner: alice.id,
        secret: "s3cret",
        n: i,
        done: i % 2 === 0,
        tags: ["a", "c"],
        meta: { i },
      });
    await su.collection(name).create({ title: "bob's", owner: bob.id, n: 9 });
    const csv = await raw(
      server.url,
      `/api/collections/${name}/export?format=csv&filter=${encodeURIComponent("n >= 2")}`,
      {
        token: alice.pb.authStore.token,
      },
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.text).not.toContain("s3cret");
    const [header, ...rows] = await parseCsv(csv.text);
    expect(header).toEqual(["id", "title", "owner", "n", "done", "tags", "meta", "created", "updated"]);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r[3]).sort()).toEqual(["2", "3", "4"]);
    const two = rows.find((r) => r[3] === "2") as string[];
    expect(two.slice(1, 7)).toEqual([
      `alice, "quoted"\nline 2`,
      alice.id,
      "2",
      "true",
      '["a","c"]',
      '{"i":2}',
    ]);

    const nd = await raw(server.url, `/api/collections/${name}/export?format=ndjson`, {
      token: alice.pb.authStore.token,
    });
    const lines = nd.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => l.owner === alice.id && !("secret" in l))).toBe(true);
    // As a list shows them: the same records.
    const listed = await alice.pb.collection(name).getFullList();
    expect(lines.map((l) => l.id).sort()).toEqual(listed.map((r) => r.id).sort());

    // A bad filter, a bad format, a refused rule: 4xx in the error shape, before any row.
    expectRawError(
      await raw(server.url, `/api/collections/${name}/export?filter=${encodeURIComponent("nope ~~")}`),
      400,
    );
    expectRawError(await raw(server.url, `/api/collections/${name}/export?format=xlsx`), 400);
    const closed = await notes({ listRule: null });
    expectRawError(
      await raw(server.url, `/api/collections/${closed}/export`, { token: alice.pb.authStore.token }),
      403,
    );
  });

  it("an exported CSV imports into a collection of the same fields: the same values", async () => {
    const from = await notes();
    const to = await notes();
    for (let i = 0; i < 7; i++)
      await su
        .collection(from)
        .create({ title: `t,${i} "q"`, n: i * 1.5, done: i % 2 === 1, tags: ["b"], meta: { k: [i] } });
    const csv = await raw(server.url, `/api/collections/${from}/export`, { token: su.authStore.token });
    const res = await importAs(su.authStore.token, to, csv.text, "text/csv");
    expect(res.status, res.text).toBe(200);
    const report = res.body as ImportReport;
    expect(report).toMatchObject({ total: 7, imported: 7, rejected: 0, errors: [] });
    const pick = (r: Record<string, unknown>) => [r.id, r.title, r.n, r.done, r.tags, r.meta];
    const a = (await su.collection(from).getFullList({ sort: "id" })).map(pick);
    const b = (await su.collection(to).getFullList({ sort: "id" })).map(pick);
    expect(b).toEqual(a);
  });

  it("rejected rows are reported with their line numbers; the others go in, nothing partial", async () => {
    const name = await notes();
    const long = `{"title":"${"x".repeat(10 * 1024 * 1024)}"}`;
    const body = [
      JSON.stringify({ title: "one", n: 1 }),
      JSON.stringify({ n: 2 }), // title is required
      "{not json",
      "",
      JSON.stringify({ title: "four", bogus: 1 }),
      long,
      JSON.stringify({ title: "six", tags: ["zzz"] }),
      "[1,2]",
      JSON.stringify({ title: "eight", meta: { deep: true } }),
      JSON.stringify({ title: "dup", id: "dupdupdupdup123" }),
      JSON.stringify({ title: "dup again", id: "dupdupdupdup123" }),
    ].join("\n");
    const res = await importAs(su.authStore.token, name, body, "application/x-ndjson");
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    const report = res.body as ImportReport;
    expect(report.imported).toBe(3);
    expect(report.rejected).toBe(7);
    expect(report.errors.map((e) => e.line)).toEqual([2, 3, 5, 6, 7, 8, 11]);
    expect(report.errors[0]?.data).toHaveProperty("title");
    expect(report.errors[2]?.message).toMatch(/bogus/);
    expect(report.errors[3]?.message).toMatch(/longer than/);
    const titles = (await su.collection(name).getFullList()).map((r) => r.title).sort();
    expect(titles).toEqual(["dup", "eight", "one"]);
  });

  it("hostile CSV: bad quoting, wrong column counts and a 10 MB line are rejected rows; a bad header imports nothing", async () => {
    const name = await notes();
    const csv = [
      "title,n,done",
      "good 1,1,true",
      'bad "quote",2,false',
      '"closed" then text,3,true',
      "too,many,values,here",
      "too few",
      `"${"y".repeat(10 * 1024 * 1024)}",4,true`,
      '"multi\nline, ok",5,false',
      "good 2,6,true",
      '"never closed,7,true',
    ].join("\r\n");
    const res = await importAs(su.authStore.token, name, csv, "text/csv");
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    const report = res.body as ImportReport;
    expect(report.imported).toBe(3);
    expect(report.errors.map((e) => [e.line, e.message.slice(0, 12)])).toEqual([
      [3, "Bad quoting:"],
      [4, "Bad quoting:"],
      [5, "Expected 3 v"],
      [6, "Expected 3 v"],
      [7, "The row is l"],
      [11, "Bad quoting:"],
    ]);
    const rows = await su.collection(name).getFullList({ sort: "n" });
    expect(rows.map((r) => [r.title, r.n, r.done])).toEqual([
      ["good 1", 1, true],
      ["multi\nline, ok", 5, false],
      ["good 2", 6, true],
    ]);

    const other = await notes();
    for (const [text, type] of [
      ["title,unknown_col\nx,y", "text/csv"],
      ["title,title\nx,y", "text/csv"],
      ["", "text/csv"],
      ["title\nx", "application/json"],
    ] as const)
      expectRawError(await importAs(su.authStore.token, other, text, type), 400);
    expect((await su.collection(other).getList()).totalItems).toBe(0);
    // The create rule applies: nobody but superusers may create here.
    const closed = await notes({ createRule: null });
    const guest = await raw(server.url, `/api/collections/${closed}/import`, {
      method: "POST",
      body: "title\nx",
      headers: { "content-type": "text/csv" },
    });
    expectRawError(guest, 403);
  });
});
