import { sql } from "kysely";
import type { DialectName } from "../sql-fragments.js";
import type { SystemMigration } from "./system-migration.js";

const text = (d: DialectName) => (d === "postgres" ? sql.raw(`TEXT COLLATE "C"`) : sql.raw("TEXT"));

/**
 * Resumable (tus) uploads in flight: who sends them, for which record field, how many bytes have
 * arrived and the stored pieces that hold them (`src/files/tus/`). Dates are the usual fixed-width
 * text, so `updated < cutoff` compares as text on both stores.
 */
export const tusUploadsMigration: SystemMigration = {
  name: "0009_tus_uploads",
  async up(db, d) {
    await sql`CREATE TABLE IF NOT EXISTS _tus_uploads (
      id ${text(d)} PRIMARY KEY NOT NULL,
      owner ${text(d)} NOT NULL,
      collection_id ${text(d)} NOT NULL,
      field ${text(d)} NOT NULL,
      record_id ${text(d)} NOT NULL DEFAULT '',
      filename TEXT NOT NULL,
      metadata TEXT NOT NULL DEFAULT '',
      length BIGINT NOT NULL,
      upload_offset BIGINT NOT NULL DEFAULT 0,
      segments TEXT NOT NULL DEFAULT '[]',
      created ${text(d)} NOT NULL,
      updated ${text(d)} NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX IF NOT EXISTS _tus_uploads_owner ON _tus_uploads (owner, updated)`.execute(db);
    await sql`CREATE INDEX IF NOT EXISTS _tus_uploads_updated ON _tus_uploads (updated)`.execute(db);
  },
};
