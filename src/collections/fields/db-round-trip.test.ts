import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columnSql } from "../../store/schema/column-sql.js";
import type { DialectName } from "../../store/sql-fragments.js";
import { fieldType } from "./index.js";
import { samples } from "./test-support/sample-fields.js";

/**
 * Stores one value per field type in real databases using the fields' own DDL and conversions,
 * and reads it back. Also checks the column defaults, by inserting a row with only an id.
 */

const PG_URL = process.env["BACKROOM_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function createTableSql(dialect: DialectName): string {
  const columns = samples.map(({ field }) => `${quote(field.name)} ${columnSql(field, dialect)}`);
  return `CREATE TABLE items (${columns.join(", ")})`;
}

function insertParams(dialect: DialectName): unknown[] {
  return samples.map(({ field, value }) => fieldType(field).toDb(field, value, dialect));
}

function readRow(row: Record<string, unknown>, dialect: DialectName): Record<string, unknown> {
  return Object.fromEntries(
    samples.map(({ field }) => [field.name, fieldType(field).fromDb(field, row[field.name], dialect)]),
  );
}

const expectedValues = Object.fromEntries(samples.map(({ field, value }) => [field.name, value]));
const zeroValues = (id: string) =>
  Object.fromEntries(
    samples.map(({ field }) => [field.name, field.name === "id" ? id : fieldType(field).zero(field)]),
  );

describe("SQLite round trip", () => {
  const dir = mkdtempSync(join(tmpdir(), "backroom-fields-"));
  const db = new Database(join(dir, "fields.db"));
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores and reads back every field type", () => {
    db.exec(createTableSql("sqlite"));
    const placeholders = samples.map(() => "?").join(", ");
    db.prepare(`INSERT INTO items VALUES (${placeholders})`).run(...insertParams("sqlite"));
    const row = db.prepare("SELECT * FROM items").get() as Record<string, unknown>;
    expect(readRow(row, "sqlite")).toEqual(expectedValues);
  });

  it("column defaults read back as zero values", () => {
    db.prepare("INSERT INTO items (id) VALUES (?)").run("zzzzzzzzzzzzzzz");
    const row = db.prepare("SELECT * FROM items WHERE id = ?").get("zzzzzzzzzzzzzzz") as Record<
      string,
      unknown
    >;
    expect(readRow(row, "sqlite")).toEqual(zeroValues("zzzzzzzzzzzzzzz"));
  });
});

async function connectPostgres(): Promise<pg.Client | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    if (process.env["CI"] === "true") throw error;
    console.warn(`Skipping PostgreSQL round trip: ${PG_URL} is unreachable (${(error as Error).message}).`);
    return null;
  }
}

describe("PostgreSQL round trip", () => {
  const schema = `fields_test_${randomBytes(6).toString("hex")}`;
  let client: pg.Client | null = null;

  beforeAll(async () => {
    client = await connectPostgres();
    if (!client) return;
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
  });

  afterAll(async () => {
    if (!client) return;
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it("stores and reads back every field type", async (ctx) => {
    if (!client) return ctx.skip();
    await client.query(createTableSql("postgres"));
    const placeholders = samples.map((_, i) => `$${i + 1}`).join(", ");
    await client.query(`INSERT INTO items VALUES (${placeholders})`, insertParams("postgres"));
    const { rows } = await client.query("SELECT * FROM items");
    expect(readRow(rows[0] as Record<string, unknown>, "postgres")).toEqual(expectedValues);
  });

  it("column defaults read back as zero values", async (ctx) => {
    if (!client) return ctx.skip();
    await client.query("INSERT INTO items (id) VALUES ($1)", ["zzzzzzzzzzzzzzz"]);
    const { rows } = await client.query("SELECT * FROM items WHERE id = $1", ["zzzzzzzzzzzzzzz"]);
    expect(readRow(rows[0] as Record<string, unknown>, "postgres")).toEqual(zeroValues("zzzzzzzzzzzzzzz"));
  });

  it('orders text byte-wise (COLLATE "C"), like SQLite', async (ctx) => {
    if (!client) return ctx.skip();
    await client.query(
      "INSERT INTO items (id, title) VALUES ('aaaaaaaaaaaaaaa', 'a'), ('bbbbbbbbbbbbbbb', 'B')",
    );
    const { rows } = await client.query("SELECT title FROM items WHERE title IN ('a', 'B') ORDER BY title");
    expect(rows.map((r: { title: string }) => r.title)).toEqual(["B", "a"]);
  });
});
