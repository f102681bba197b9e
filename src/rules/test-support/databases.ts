/** Real SQLite and PostgreSQL databases holding the fixture collections, plus an in-memory copy. */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, PostgresDialect, type RawBuilder, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { type Collection, type Field, isMultiValued } from "../../collections/model.js";
import { postgresFragments } from "../../store/postgres/sql-fragments.js";
import type { SqlFragments } from "../../store/sql-fragments.js";
import { sqliteFragments } from "../../store/sqlite/sql-fragments.js";
import type { DataSource } from "../scope.js";
import { ALL } from "./collections.js";

export type Row = Record<string, unknown> & { id: string };
export type Dataset = Record<string, Row[]>;

export interface TestDb {
  name: "sqlite" | "postgres";
  db: Kysely<Record<string, Record<string, unknown>>>;
  frags: SqlFragments;
  close(): Promise<void>;
}

export const PG_URL = process.env.RULES_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

function columnType(field: Field, dialect: "sqlite" | "postgres"): string {
  const pgText = `TEXT COLLATE "C" NOT NULL DEFAULT ''`;
  if (field.name === "id")
    return dialect === "postgres" ? `TEXT COLLATE "C" PRIMARY KEY` : "TEXT PRIMARY KEY";
  if (isMultiValued(field))
    return dialect === "postgres" ? "JSONB NOT NULL DEFAULT '[]'" : "TEXT NOT NULL DEFAULT '[]'";
  switch (field.type) {
    case "number":
      return dialect === "postgres" ? "DOUBLE PRECISION NOT NULL DEFAULT 0" : "REAL NOT NULL DEFAULT 0";
    case "bool":
      return dialect === "postgres" ? "BOOLEAN NOT NULL DEFAULT FALSE" : "INTEGER NOT NULL DEFAULT 0";
    case "json":
      return dialect === "postgres" ? "JSONB" : "TEXT";
    case "geoPoint":
      return dialect === "postgres"
        ? `JSONB NOT NULL DEFAULT '{"lon":0,"lat":0}'`
        : `TEXT NOT NULL DEFAULT '{"lon":0,"lat":0}'`;
    default:
      return dialect === "postgres" ? pgText : "TEXT NOT NULL DEFAULT ''";
  }
}

async function createTables(db: TestDb): Promise<void> {
  for (const c of ALL) {
    const columns = c.fields.map((f) => `"${f.name}" ${columnType(f, db.name)}`).join(", ");
    await sql.raw(`CREATE TABLE "${c.name}" (${columns})`).execute(db.db);
  }
}

export async function openSqlite(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), "rules-"));
  const sqlite = new Database(join(dir, "rules.db"));
  const db = new Kysely<Record<string, Record<string, unknown>>>({
    dialect: new SqliteDialect({ database: sqlite }),
  });
  const testDb: TestDb = {
    name: "sqlite",
    db,
    frags: sqliteFragments,
    close: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await createTables(testDb);
  return testDb;
}

/** A fresh schema on the test server; undefined when PostgreSQL is unreachable. */
export async function openPostgres(): Promise<TestDb | undefined> {
  const schema = `rules_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
  } catch {
    await admin.end().catch(() => undefined);
    return undefined;
  }
  await admin.end();
  const pool = new pg.Pool({ connectionString: PG_URL, max: 2, options: `-c search_path=${schema}` });
  const db = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new PostgresDialect({ pool }) });
  const testDb: TestDb = {
    name: "postgres",
    db,
    frags: postgresFragments,
    close: async () => {
      await sql.raw(`DROP SCHEMA ${schema} CASCADE`).execute(db);
      await db.destroy();
    },
  };
  await createTables(testDb);
  return testDb;
}

function toDb(field: Field, value: unknown, dialect: "sqlite" | "postgres"): unknown {
  if (isMultiValued(field) || field.type === "geoPoint") return JSON.stringify(value);
  if (field.type === "json") return value === null || value === undefined ? null : JSON.stringify(value);
  if (field.type === "bool" && dialect === "sqlite") return value ? 1 : 0;
  return value;
}

/** Replaces every fixture table's rows with `data`, in one transaction. */
export async function loadDataset(db: TestDb, data: Dataset): Promise<void> {
  await db.db.transaction().execute(async (trx) => {
    for (const c of ALL) {
      await sql`DELETE FROM ${sql.id(c.name)}`.execute(trx);
      const rows = data[c.name] ?? [];
      if (rows.length === 0) continue;
      const names = c.fields.map((f) => sql.id(f.name));
      const tuples = rows.map(
        (row) => sql`(${sql.join(c.fields.map((f) => toDb(f, row[f.name], db.name)))})`,
      );
      await sql`INSERT INTO ${sql.id(c.name)} (${sql.join(names)}) VALUES ${sql.join(tuples)}`.execute(trx);
    }
  });
}

/** Ids of `collection` rows matching a compiled filter, sorted. */
export async function selectIds(
  db: TestDb,
  collection: Collection,
  where: RawBuilder<unknown>,
): Promise<string[]> {
  const result = await sql<{
    id: string;
  }>`SELECT r.id FROM ${sql.id(collection.name)} AS r WHERE ${where} ORDER BY r.id`.execute(db.db);
  return result.rows.map((r) => r.id);
}

export function dataSource(data: Dataset): DataSource {
  return {
    getById: (c, id) => data[c.name]?.find((r) => r.id === id),
    all: (c) => data[c.name] ?? [],
  };
}
