import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestServices } from "../../test-support/services.js";

// Tools that open a PocketBase data.db file themselves (pocketbase-typegen --db: `SELECT * FROM
// _collections`, then JSON.parse of `fields`) read PocketBase's columns on Backroom's file too.
describe("_collections shows PocketBase's columns on SQLite", () => {
  let opened: Awaited<ReturnType<typeof openTestServices>>;
  let file: string;
  beforeAll(async () => {
    opened = await openTestServices("sqlite");
    file = opened.services.store.location as string;
    const { collections } = opened.services;
    await collections.create(
      {
        name: "posts",
        type: "base",
        listRule: "",
        viewRule: "@request.auth.id != ''",
        fields: [
          { name: "title", type: "text", required: true },
          { name: "tags", type: "select", values: ["a", "b"], maxSelect: 2 },
        ],
        indexes: ["CREATE INDEX idx_posts_title ON posts (title)"],
      },
      null,
    );
    await collections.create(
      { name: "post_titles", type: "view", viewQuery: "SELECT id, title FROM posts" },
      null,
    );
  });
  afterAll(async () => {
    await opened?.close();
  });

  /** The rows as another program reading the file sees them. */
  function readFileAsATool(): Record<string, Record<string, unknown>> {
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare("SELECT * FROM _collections").all() as Record<string, unknown>[];
      return Object.fromEntries(rows.map((r) => [r.name as string, r]));
    } finally {
      db.close();
    }
  }

  it("has fields, indexes, the five rules and options, as PocketBase stores them", () => {
    const { posts, post_titles: view, users } = readFileAsATool();
    expect(posts).toMatchObject({ type: "base", listRule: "", viewRule: "@request.auth.id != ''" });
    expect(posts?.createRule).toBeNull();
    const fields = JSON.parse(posts?.fields as string) as { name: string; type: string; values?: string[] }[];
    expect(fields.map((f) => [f.name, f.type])).toEqual(
      expect.arrayContaining([
        ["id", "text"],
        ["title", "text"],
        ["tags", "select"],
      ]),
    );
    expect(fields.find((f) => f.name === "tags")?.values).toEqual(["a", "b"]);
    // As the API shows them (normalized the way PocketBase writes them).
    const indexes = JSON.parse(posts?.indexes as string) as string[];
    expect(indexes).toEqual(opened.services.registry.get("posts")?.indexes);
    expect(indexes[0]).toContain("idx_posts_title");
    expect(JSON.parse(posts?.options as string)).toEqual({});
    expect(JSON.parse(view?.options as string)).toEqual({ viewQuery: "SELECT id, title FROM posts" });
    expect(JSON.parse(users?.options as string)).toMatchObject({ passwordAuth: { enabled: true } });
  });

  it("follows every change at once (computed when read, nothing stored twice)", async () => {
    const { collections, registry } = opened.services;
    const posts = registry.get("posts");
    await collections.update(posts?.id as string, { listRule: null }, null);
    expect(readFileAsATool().posts?.listRule).toBeNull();
  });

  it("leaves the columns Backroom writes, backs up and restores as they were", async () => {
    const db = new Database(file, { readonly: true });
    try {
      const listed = db.prepare("SELECT name FROM pragma_table_info('_collections')").pluck().all();
      expect(listed).toEqual(["id", "name", "type", "system", "data", "created", "updated"]);
    } finally {
      db.close();
    }
  });
});
