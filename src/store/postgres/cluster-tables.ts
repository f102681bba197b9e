import { sql } from "kysely";
import type { SystemMigration } from "../migrations/system-migration.js";

/**
 * What nodes on one PostgreSQL share that used to live in each node's memory or folder
 * (docs/several-nodes.md). PostgreSQL only: a SQLite store is one node.
 *
 * - `_rate_counters`: rate-limit and failed-sign-in counters (`http/rate-limit/pg-counter-store.ts`).
 *   UNLOGGED: counters are worth losing in a crash rather than a WAL write per request; a low
 *   fillfactor leaves room for the in-place (HOT) updates every hit makes.
 * - `_realtime_forwards`: a `POST /api/realtime` handed to the node holding the client's stream
 *   (`realtime/forward-subscriptions.ts`); UNLOGGED too: a request lives for a second.
 * - `_files` / `_file_chunks`: uploaded files' bytes (`files/pg-storage.ts`). Chunks are stored
 *   without compression (STORAGE EXTERNAL): uploads are mostly compressed already (images, PDFs),
 *   and uncompressed TOAST reads a byte range without reading what comes before it.
 */
export const clusterTablesMigration: SystemMigration = {
  name: "0006_cluster_shared_state",
  async up(db, d) {
    if (d !== "postgres") return;
    await sql`CREATE UNLOGGED TABLE IF NOT EXISTS _rate_counters (
      key TEXT COLLATE "C" PRIMARY KEY NOT NULL,
      count BIGINT NOT NULL,
      attempt BIGINT NOT NULL,
      max_count BIGINT NOT NULL,
      sliding BOOLEAN NOT NULL,
      seen_at BIGINT NOT NULL,
      reset_at BIGINT NOT NULL
    ) WITH (fillfactor = 70)`.execute(db);
    await sql`CREATE UNLOGGED TABLE IF NOT EXISTS _realtime_forwards (
      id BIGSERIAL PRIMARY KEY,
      node TEXT NOT NULL,
      request TEXT NOT NULL,
      claimed BOOLEAN NOT NULL DEFAULT FALSE,
      reply TEXT,
      created TIMESTAMPTZ NOT NULL DEFAULT now()
    )`.execute(db);
    await sql`CREATE TABLE IF NOT EXISTS _files (
      id BIGSERIAL PRIMARY KEY,
      key TEXT COLLATE "C" NOT NULL UNIQUE,
      size BIGINT NOT NULL,
      content_type TEXT NOT NULL DEFAULT '',
      modified TIMESTAMPTZ NOT NULL DEFAULT now()
    )`.execute(db);
    await sql`CREATE TABLE IF NOT EXISTS _file_chunks (
      file_id BIGINT NOT NULL REFERENCES _files (id) ON DELETE CASCADE,
      n INTEGER NOT NULL,
      data BYTEA NOT NULL,
      PRIMARY KEY (file_id, n)
    )`.execute(db);
    await sql`ALTER TABLE _file_chunks ALTER COLUMN data SET STORAGE EXTERNAL`.execute(db);
  },
};

/**
 * Tables of this migration that hold a node's working state or file bytes, not data a backup of the
 * database should copy row by row (files travel through the file storage instead).
 */
export const CLUSTER_STATE_TABLES = ["_rate_counters", "_realtime_forwards", "_files", "_file_chunks"];
