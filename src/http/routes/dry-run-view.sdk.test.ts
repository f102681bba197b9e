import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countRecords,
  expectSdkError,
  issueCode,
  raw,
  sdk,
  signedInUser,
  uniqueName,
} from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

// POST /api/collections/meta/dry-run-view: what a view query would return, for superusers only,
// inside a transaction that is rolled back — a hostile query changes nothing.
describe.each(await storesUnderTest())("dry run of a view query (%s)", (kind) => {
  let server: TestServer;
  let posts: string;
  beforeAll(async () => {
    server = await startServer(kind);
    const su = await server.superuserClient();
    posts = uniqueName("posts");
    await su.collections.create({ name: posts, type: "base", fields: [{ name: "title", type: "text" }] });
    await su.collection(posts).create({ title: "kept" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers the query's first rows to a superuser", async () => {
    const su = await server.superuserClient();
    const rows = await su.collections.dryRunViewQuery(`SELECT id, title FROM ${posts}`);
    expect(rows).toEqual([expect.objectContaining({ title: "kept" })]);
  });

  it("is for superusers only: a guest 401, a user 403", async () => {
    await expectSdkError(sdk(server.client()).collections.dryRunViewQuery(`SELECT id FROM ${posts}`), 401);
    const user = await signedInUser(() => server.client());
    await expectSdkError(user.pb.collections.dryRunViewQuery(`SELECT id FROM ${posts}`), 403);
  });

  it("refuses a missing, oversized, broken or writing query with a 400 in the error shape, changing nothing", async () => {
    const su = await server.superuserClient();
    for (const query of ["", "   ", `SELECT '${"x".repeat(5001)}'`]) {
      const err = await expectSdkError(su.collections.dryRunViewQuery(query), 400);
      expect(issueCode(err, "query")).toMatch(/^validation_/);
    }
    for (const query of [
      "SELECT FROM WHERE",
      `DELETE FROM ${posts}`,
      `SELECT id FROM ${posts}; DELETE FROM ${posts}`,
      `UPDATE ${posts} SET title = 'gone'`,
    ]) {
      // The database's own message helps a superuser fix the query (as /api/sql); paths never show.
      await expectSdkError(su.collections.dryRunViewQuery(query), 400, { shape: "lenient" });
    }
    const malformed = await raw(server.url, "/api/collections/meta/dry-run-view", {
      method: "POST",
      headers: { authorization: su.authStore.token, "content-type": "application/json" },
      body: '{"query": ',
    });
    expect(malformed.status).toBe(400);
    expect(await countRecords(su, posts, `title = "kept"`)).toBe(1);
    expect((await raw(server.url, "/api/health")).status).toBe(200);
  });
});
