import { sql } from "kysely";
import type { DialectName } from "../sql-fragments.js";
import type { Db } from "../store.js";

/**
 * Versioned changes to Backroom's own tables. Append only: a released migration never changes,
 * a later one alters what it made. Names sort in the order they apply.
 */
export interface SystemMigration {
  name: string;
  up(db: Db, dialect: DialectName): Promise<void>;
}

const text = (d: DialectName) => (d === "postgres" ? sql.raw(`TEXT COLLATE "C"`) : sql.raw("TEXT"));
const serial = (d: DialectName) =>
  d === "postgres" ? sql.raw("BIGSERIAL PRIMARY KEY") : sql.raw("INTEGER PRIMARY KEY AUTOINCREMENT");

export const systemMigrations: SystemMigration[] = [
  {
    name: "0001_system_tables",
    async up(db, d) {
      await sql`CREATE TABLE IF NOT EXISTS _collections (
        id ${text(d)} PRIMARY KEY NOT NULL,
        name ${text(d)} NOT NULL,
        type ${text(d)} NOT NULL,
        system BOOLEAN NOT NULL DEFAULT FALSE,
        data TEXT NOT NULL,
        created ${text(d)} NOT NULL,
        updated ${text(d)} NOT NULL
      )`.execute(db);
      await sql`CREATE UNIQUE INDEX IF NOT EXISTS _collections_name ON _collections (LOWER(name))`.execute(db);
      await sql`CREATE TABLE IF NOT EXISTS _params (
        id ${text(d)} PRIMARY KEY NOT NULL,
        value TEXT NOT NULL,
        updated ${text(d)} NOT NULL
      )`.execute(db);
      await sql`CREATE TABLE IF NOT EXISTS _outbox (
        seq ${serial(d)},
        created ${text(d)} NOT NULL,
        collection_id ${text(d)} NOT NULL,
        collection_name ${text(d)} NOT NULL,
        record_id ${text(d)} NOT NULL,
        action ${text(d)} NOT NULL,
        record TEXT NOT NULL,
        previous TEXT
      )`.execute(db);
      await sql`CREATE TABLE IF NOT EXISTS _audit (
        id ${text(d)} PRIMARY KEY NOT NULL,
        created ${text(d)} NOT NULL,
        action ${text(d)} NOT NULL,
        collection_id ${text(d)} NOT NULL DEFAULT '',
        collection_name ${text(d)} NOT NULL DEFAULT '',
        record_id ${text(d)} NOT NULL DEFAULT '',
        actor_collection ${text(d)} NOT NULL DEFAULT '',
        actor_id ${text(d)} NOT NULL DEFAULT '',
        changes TEXT NOT NULL DEFAULT '[]',
        request_id ${text(d)} NOT NULL DEFAULT '',
        ip ${text(d)} NOT NULL DEFAULT ''
      )`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS _audit_created ON _audit (created)`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS _audit_record ON _audit (collection_name, record_id)`.execute(db);
    },
  },
];
