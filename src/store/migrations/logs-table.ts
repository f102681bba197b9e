import { sql } from "kysely";
import type { SystemMigration } from "./system-migration.js";

/**
 * The request log (src/logs). Column types are the ones the matching field types use (number →
 * floating point, json → JSONB on PostgreSQL), because filters on `/api/logs` are compiled by the
 * rules engine against a collection that describes this table.
 */
export const logsTableMigration: SystemMigration = {
  name: "0005_request_logs",
  async up(db, d) {
    const pg = d === "postgres";
    const text = pg ? sql.raw(`TEXT COLLATE "C"`) : sql.raw("TEXT");
    await sql`CREATE TABLE IF NOT EXISTS _logs (
      id ${text} PRIMARY KEY NOT NULL,
      created ${text} NOT NULL,
      updated ${text} NOT NULL,
      level ${sql.raw(pg ? "DOUBLE PRECISION" : "REAL")} NOT NULL DEFAULT 0,
      message ${text} NOT NULL DEFAULT '',
      data ${sql.raw(pg ? "JSONB" : "TEXT")} NOT NULL DEFAULT '{}'
    )`.execute(db);
    await sql`CREATE INDEX IF NOT EXISTS _logs_created ON _logs (created)`.execute(db);
  },
};
