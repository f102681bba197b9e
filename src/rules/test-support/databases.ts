/** Real SQLite and PostgreSQL databases holding the fixture collections, plus an in-memory copy. */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, PostgresDialect, type RawBuilder, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { fieldType } from "../../collections/fields/index.js";
import type { Collection, Field } from "../../collections/model.js";
import { postgresFragments } from "../../store/postgres/sql-fragments.js";
import { columnSql } from "../../store/schema/column-sql.js";
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

async function createTables(db: TestDb): Promise<void> {
  for (const c of ALL) {
    const columns = c.fields.map((f) => `"${f.name}" ${columnSql(f, db.name)}`).join(", ");
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
  // JIT off: these tables have no statistics, so the planner's estimates for random filters that
  // step through list rules often pass jit_above_cost, and compiling a plan takes seconds for rows
  // that take microseconds (the differential test is about answers, not plans).
  const pool = new pg.Pool({
    connectionString: PG_URL,
    max: 2,
    options: `-c search_path=${schema} -c jit=off`,
  });
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

/** The stored form, as the records layer writes it. */
function toDb(field: Field, value: unknown, dialect: "sqlite" | "postgres"): unknown {
  return fieldType(field).toDb(field, value, dialect);
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
