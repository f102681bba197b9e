import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServices } from "../app.js";
import { collectionToApi } from "../collections/collection-json.js";
import type { Collection } from "../collections/model.js";
import type { Services } from "../http/services.js";
import { storesUnderTest } from "../test-support/server.js";
import { type DevServer, startDevServer } from "./test-support/dev-server.js";
import { type TempStore, tempStore } from "./test-support/temp-store.js";
import { typeCheckFiles } from "./test-support/type-check.js";
import { migrateDown, migrateUp, migrationStatus } from "./user-migrations.js";

/** A store's collections as the API shows them, minus timestamps, relations naming their target. */
function schemaOf(services: Services): Record<string, Record<string, unknown>> {
  const nameOf = (id: string) => services.registry.get(id)?.name ?? `?${id}`;
  const out: Record<string, Record<string, unknown>> = {};
  for (const c of services.registry.all()) {
    const { created: _c, updated: _u, ...json } = collectionToApi(c);
    json.fields = (c as Collection).fields.map((f) =>
      f.type === "relation" ? { ...f, collectionId: nameOf(f.collectionId) } : f,
    );
    out[c.name] = json;
  }
  return out;
}

const field = (s: Record<string, Record<string, unknown>>, c: string, f: string) =>
  (s[c]?.fields as { name: string }[] | undefined)?.find((x) => x.name === f);

describe.each(await storesUnderTest())("dev mode writes migrations that rebuild the schema (%s)", (kind) => {
  let dev: DevServer;
  let fresh: TempStore;
  let freshServices: Services;
  let dir: string;

  beforeAll(async () => {
    dev = await startDevServer(kind);
    dir = dev.store.config.migrationsDir;
    fresh = tempStore(kind);
    freshServices = await openServices(fresh.config);
  });
  afterAll(async () => {
    await freshServices?.store.close();
    await fresh?.remove();
    await dev?.close();
  });

  it("collection changes through the API → one migration file each, already applied here", async () => {
    const pb = dev.superuser;
    await pb.collections.create({
      name: "authors",
      type: "base",
      fields: [
        { name: "name", type: "text", required: true, min: 2, max: 80, pattern: "^[A-Za-z ]+$" },
        { name: "age", type: "number", min: 0, max: 150, onlyInt: true },
        { name: "active", type: "bool" },
        { name: "contact", type: "email", onlyDomains: ["example.com"] },
        { name: "site", type: "url", exceptDomains: ["spam.example"] },
        { name: "bio", type: "editor", maxSize: 5000, convertURLs: true },
        { name: "born", type: "date", min: "1900-01-01 00:00:00.000Z" },
        { name: "genres", type: "select", values: ["poetry", "prose", "drama"], maxSelect: 2 },
        {
          name: "avatar",
          type: "file",
          maxSelect: 1,
          maxSize: 1048576,
          mimeTypes: ["image/png"],
          thumbs: ["100x100"],
        },
        { name: "meta", type: "json", maxSize: 2000 },
        { name: "home", type: "geoPoint" },
      ],
      listRule: "",
      viewRule: "",
      createRule: "@request.auth.id != ''",
      updateRule: null,
      deleteRule: null,
      indexes: ["CREATE UNIQUE INDEX idx_authors_contact ON authors (contact)"],
    });
    await pb.collections.create({ name: "scratch", type: "base", fields: [{ name: "note", type: "text" }] });
    await pb.collections.create({
      name: "posts",
      type: "base",
      fields: [
        { name: "title", type: "text", required: true },
        { name: "author", type: "relation", collectionId: "authors", maxSelect: 1, cascadeDelete: true },
        { name: "readers", type: "relation", collectionId: "users", maxSelect: 5 },
        { name: "parent", type: "relation", collectionId: "posts", maxSelect: 1 },
      ],
      listRule: "author.active = true",
      indexes: ["CREATE INDEX idx_posts_title ON posts (title)"],
    });
    await pb.collections.create({
      name: "members",
      type: "auth",
      fields: [{ name: "nickname", type: "text" }],
      authRule: "verified = true",
      passwordAuth: { enabled: true, identityFields: ["email", "nickname"] },
      indexes: ["CREATE UNIQUE INDEX idx_members_nickname ON members (nickname) WHERE nickname != ''"],
    });
    // A rename: same field id, new name; plus new rules and another index.
    const posts = await pb.collections.getOne("posts");
    await pb.collections.update("posts", {
      fields: posts.fields.map((f: { name: string }) =>
        f.name === "title" ? { ...f, name: "headline" } : f,
      ),
      listRule: "",
      indexes: [
        ...posts.indexes.map((i: string) => i.replace("(`title`)", "(`headline`)")),
        "CREATE INDEX idx_posts_author ON posts (author)",
      ],
    });
    await pb.collections.delete("scratch");
    const users = await pb.collections.getOne("users");
    await pb.collections.update("users", {
      fields: [...users.fields, { name: "nickname", type: "text", max: 30 }],
    });
    await pb.collections.create({
      name: "headlines",
      type: "view",
      viewQuery: "SELECT id, headline FROM posts",
      listRule: "",
    });

    const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
    expect(files.map((f) => f.replace(/^\d+_/, ""))).toEqual([
      "created_authors.ts",
      "created_scratch.ts",
      "created_posts.ts",
      "created_members.ts",
      "updated_posts.ts",
      "deleted_scratch.ts",
      "updated_users.ts",
      "created_headlines.ts",
    ]);
    const status = await migrationStatus(dev.app.services, dir);
    expect(status.every((m) => m.applied && !m.missing)).toBe(true);
    expect(status).toHaveLength(8);
    expect(await migrateUp(dev.app.services, dir)).toEqual([]);
    // Relations name their target, not an id that may differ elsewhere.
    const createdPosts = readFileSync(join(dir, files[2] as string), "utf8");
    expect(createdPosts).toContain('"collectionId": "authors"');
    expect(createdPosts).toContain('import { type CollectionInput, defineMigration } from "backroom";');
  });

  it("the written files type-check against Backroom's public types", () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => join(dir, f));
    expect(typeCheckFiles(files)).toEqual([]);
  });

  it("migrate up on a fresh store reproduces every collection: fields, rules, indexes, options", async () => {
    const applied = await migrateUp(freshServices, dir);
    expect(applied).toHaveLength(8);
    const expected = schemaOf(dev.app.services);
    const actual = schemaOf(freshServices);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const name of Object.keys(expected)) expect(actual[name], name).toEqual(expected[name]);
    expect(field(actual, "posts", "headline")).toBeDefined();
    expect(actual.scratch).toBeUndefined();
    expect(field(actual, "users", "nickname")).toMatchObject({ type: "text", max: 30 });
  });

  it("migrate down reverts step by step, back to a fresh store's schema", async () => {
    const original = tempStore(kind);
    const untouched = await openServices(original.config);
    try {
      const steps: string[] = [];
      for (
        let name = await migrateDown(freshServices, dir);
        name;
        name = await migrateDown(freshServices, dir)
      ) {
        steps.push(name.replace(/^\d+_/, ""));
        const schema = schemaOf(freshServices);
        if (name.endsWith("_created_headlines")) expect(schema.headlines).toBeUndefined();
        if (name.endsWith("_updated_users")) expect(field(schema, "users", "nickname")).toBeUndefined();
        if (name.endsWith("_deleted_scratch")) expect(field(schema, "scratch", "note")).toBeDefined();
        if (name.endsWith("_updated_posts")) {
          expect(field(schema, "posts", "headline")).toBeUndefined();
          expect(field(schema, "posts", "title")).toBeDefined();
          expect(schema.posts?.listRule).toBe("author.active = true");
        }
      }
      expect(steps).toHaveLength(8);
      expect(schemaOf(freshServices)).toEqual(schemaOf(untouched));
      expect((await migrationStatus(freshServices, dir)).every((m) => !m.applied)).toBe(true);
    } finally {
      await untouched.store.close();
      await original.remove();
    }
  });
});
