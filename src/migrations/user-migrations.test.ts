import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openServices } from "../app.js";
import type { Services } from "../http/services.js";
import { storesUnderTest } from "../test-support/server.js";
import { writeMigrationFile } from "./migration-files.js";
import { BLANK_MIGRATION } from "./templates.js";
import { type TempStore, tempStore } from "./test-support/temp-store.js";
import { typeCheckFiles } from "./test-support/type-check.js";
import { migrateDown, migrateUp, migrationStatus } from "./user-migrations.js";

describe.each(await storesUnderTest())("TypeScript migrations (%s)", (kind) => {
  let store: TempStore;
  let services: Services;
  let dir: string;

  beforeEach(async () => {
    store = tempStore(kind);
    dir = store.config.migrationsDir;
    services = await openServices(store.config);
  });
  afterEach(async () => {
    await services.store.close();
    await store.remove();
  });

  /** Writes a migration file the way `migrate create` does, then gives it this body. */
  const migration = (name: string, source: string) => {
    const written = writeMigrationFile(dir, name, BLANK_MIGRATION);
    writeFileSync(written.file, source);
    return written.name;
  };
  const tables = async () =>
    (await services.store.db.selectFrom("_collections").select("name").execute()).map((r) => r.name);

  it("create → up → status → down → status", async () => {
    const created = writeMigrationFile(dir, "blank", BLANK_MIGRATION);
    expect(created.file).toMatch(/[/\\]\d{10}_blank\.ts$/);
    // What `migrate create` writes type-checks as is, under strict.
    expect(typeCheckFiles([created.file])).toEqual([]);
    const name = migration(
      "add_notes",
      `import { defineMigration, type CollectionInput } from "backroom";
      const notes: CollectionInput = { name: "notes", type: "base", fields: [{ name: "body", type: "text" }], listRule: "" };
      export default defineMigration({
        async up(app) { await app.collections.create(notes); },
        async down(app) { await app.collections.delete("notes"); },
      });`,
    );
    expect(await migrationStatus(services, dir)).toEqual([
      { name: created.name, applied: false },
      { name, applied: false },
    ]);

    expect(await migrateUp(services, dir)).toEqual([created.name, name]);
    expect(services.registry.get("notes")?.listRule).toBe("");
    expect(await migrationStatus(services, dir)).toEqual([
      { name: created.name, applied: true },
      { name, applied: true },
    ]);
    expect(await migrateUp(services, dir)).toEqual([]);

    expect(await migrateDown(services, dir)).toBe(name);
    expect(services.registry.get("notes")).toBeUndefined();
    expect(await tables()).not.toContain("notes");
    expect(await migrationStatus(services, dir)).toEqual([
      { name: created.name, applied: true },
      { name, applied: false },
    ]);
  });

  it("names written in the same second still apply in the order they were written", () => {
    const names = ["first", "second", "third"].map((n) => writeMigrationFile(dir, n, BLANK_MIGRATION).name);
    const stamps = names.map((n) => Number(n.split("_")[0]));
    expect(stamps[1]).toBeGreaterThan(stamps[0] as number);
    expect(stamps[2]).toBeGreaterThan(stamps[1] as number);
    expect(() => writeMigrationFile(dir, "../escape", BLANK_MIGRATION)).toThrow(/invalid migration name/);
  });

  it("a TypeScript migration imports a relative helper file", async () => {
    mkdirSync(join(dir, "lib"), { recursive: true });
    writeFileSync(
      join(dir, "lib", "catalog.ts"),
      `import type { FieldInput } from "backroom";
      export const priceField = (name: string): FieldInput => ({ name, type: "number", min: 0 });
      export enum Names { Products = "products" }`,
    );
    const name = migration(
      "products",
      `import { defineMigration } from "backroom";
      import { Names, priceField } from "./lib/catalog";
      export default defineMigration({
        async up(app) {
          await app.collections.create({ name: Names.Products, fields: [priceField("price")] });
          await app.records.create(Names.Products, { price: 12.5 });
        },
        async down(app) { await app.collections.delete(Names.Products); },
      });`,
    );
    expect(await migrateUp(services, dir)).toEqual([name]);
    const price = services.registry.get("products")?.fields.find((f) => f.name === "price");
    expect(price).toMatchObject({ type: "number", min: 0 });
    const rows = await services.store.db.selectFrom("products").select("price").execute();
    expect(rows.map((r) => Number(r.price))).toEqual([12.5]);
    // Helper files in the folder are not migrations themselves.
    expect((await migrationStatus(services, dir)).map((m) => m.name)).toEqual([name]);
  });

  it("a failing migration leaves nothing behind: no collection, no records, not marked applied", async () => {
    const good = migration(
      "good",
      `export default { async up(app) { await app.collections.create({ name: "kept" }); } };`,
    );
    const bad = migration(
      "bad",
      `import { defineMigration } from "backroom";
      export default defineMigration({
        async up(app) {
          await app.collections.create({ name: "doomed", fields: [{ name: "t", type: "text" }] });
          await app.records.create("doomed", { t: "x" });
          await app.collections.update("kept", { listRule: "" });
          throw new Error("boom halfway");
        },
      });`,
    );
    const later = migration(
      "later",
      `export async function up(app) { await app.collections.create({ name: "later" }); }`,
    );
    await expect(migrateUp(services, dir)).rejects.toThrow(
      `migration ${bad} failed (nothing of it was applied): boom halfway`,
    );
    expect(services.registry.get("kept")?.listRule).toBeNull();
    expect(services.registry.get("doomed")).toBeUndefined();
    expect(services.registry.get("later")).toBeUndefined();
    expect(await tables()).not.toContain("doomed");
    // The table itself is gone too: the DDL rolled back with the rest.
    await expect(services.store.db.selectFrom("doomed").selectAll().execute()).rejects.toThrow();
    expect(await migrationStatus(services, dir)).toEqual([
      { name: good, applied: true },
      { name: bad, applied: false },
      { name: later, applied: false },
    ]);
  });

  it("a refused collection names the field issue in the error", async () => {
    migration("dup", `export async function up(app) { await app.collections.create({ name: "users" }); }`);
    await expect(migrateUp(services, dir)).rejects.toThrow(/name: The name is already taken/);
  });

  it("plain JavaScript migrations with exported up/down keep working", async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "1700000000_legacy.js"),
      `export async function up(app) { await app.collections.create({ name: "legacy" }, null); }
      export async function down(app) { await app.collections.delete("legacy", null); }`,
    );
    expect(await migrateUp(services, dir)).toEqual(["1700000000_legacy"]);
    expect(services.registry.get("legacy")).toBeDefined();
    expect(await migrateDown(services, dir)).toBe("1700000000_legacy");
    expect(services.registry.get("legacy")).toBeUndefined();
  });

  it("down refuses a migration without down(), and a compile error names file, line and column", async () => {
    const name = migration("oneway", `export default { async up() {} };`);
    await migrateUp(services, dir);
    await expect(migrateDown(services, dir)).rejects.toThrow(`${name} has no down()`);

    const broken = writeMigrationFile(dir, "broken", "export default {\n  async up(app) { app.x( }\n};\n");
    await expect(migrateUp(services, dir)).rejects.toThrow(`${broken.file}:2:`);
    expect(readdirSync(dir).filter((f) => f.endsWith(".ts"))).toHaveLength(2);
  });

  it("migration data helpers: list with a filter, update and delete records", async () => {
    migration(
      "seed",
      `import { defineMigration } from "backroom";
      export default defineMigration({
        async up(app) {
          await app.collections.create({ name: "tags", fields: [{ name: "label", type: "text" }] });
          for (const label of ["a", "b", "c"]) await app.records.create("tags", { label });
          const [b] = await app.records.list("tags", { filter: 'label = "b"' });
          await app.records.update("tags", String(b?.id), { label: "bee" });
          const [c] = await app.records.list("tags", { filter: 'label = "c"' });
          await app.records.delete("tags", String(c?.id));
        },
      });`,
    );
    await migrateUp(services, dir);
    const rows = await services.store.db.selectFrom("tags").select("label").orderBy("label").execute();
    expect(rows.map((r) => r.label)).toEqual(["a", "bee"]);
  });
});
