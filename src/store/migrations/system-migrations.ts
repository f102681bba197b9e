import { sql } from "kysely";
import { clusterTablesMigration } from "../postgres/cluster-tables.js";
import type { DialectName } from "../sql-fragments.js";
import { collectionsPocketBaseColumnsMigration } from "./collections-pocketbase-columns.js";
import { logsTableMigration } from "./logs-table.js";
import { pushSubscriptionsMigration } from "./push-subscriptions.js";
import type { SystemMigration } from "./system-migration.js";
import { traceContextMigration } from "./trace-context.js";
import { tusUploadsMigration } from "./tus-uploads.js";

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
      await sql`CREATE UNIQUE INDEX IF NOT EXISTS _collections_name ON _collections (LOWER(name))`.execute(
        db,
      );
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
  {
    name: "0002_auth_tables",
    async up(db, d) {
      const refs = sql`collection_id ${text(d)} NOT NULL, record_id ${text(d)} NOT NULL`;
      await sql`CREATE TABLE IF NOT EXISTS _otps (
        id ${text(d)} PRIMARY KEY NOT NULL, ${refs},
        password TEXT NOT NULL, sent_to ${text(d)} NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,
        created ${text(d)} NOT NULL
      )`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS _otps_record ON _otps (collection_id, record_id)`.execute(db);
      await sql`CREATE TABLE IF NOT EXISTS _mfas (
        id ${text(d)} PRIMARY KEY NOT NULL, ${refs},
        method ${text(d)} NOT NULL, created ${text(d)} NOT NULL
      )`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS _mfas_record ON _mfas (collection_id, record_id)`.execute(db);
      await sql`CREATE TABLE IF NOT EXISTS _external_auths (
        id ${text(d)} PRIMARY KEY NOT NULL, ${refs},
        provider ${text(d)} NOT NULL, provider_id ${text(d)} NOT NULL, created ${text(d)} NOT NULL
      )`.execute(db);
      await sql`CREATE UNIQUE INDEX IF NOT EXISTS _external_auths_provider ON _external_auths (collection_id, provider, provider_id)`.execute(
        db,
      );
      await sql`CREATE UNIQUE INDEX IF NOT EXISTS _external_auths_record ON _external_auths (collection_id, record_id, provider)`.execute(
        db,
      );
      await sql`CREATE TABLE IF NOT EXISTS _auth_origins (
        id ${text(d)} PRIMARY KEY NOT NULL, ${refs},
        fingerprint ${text(d)} NOT NULL, created ${text(d)} NOT NULL, updated ${text(d)} NOT NULL
      )`.execute(db);
      await sql`CREATE UNIQUE INDEX IF NOT EXISTS _auth_origins_fp ON _auth_origins (collection_id, record_id, fingerprint)`.execute(
        db,
      );
      await sql`CREATE TABLE IF NOT EXISTS _api_keys (
        id ${text(d)} PRIMARY KEY NOT NULL,
        name ${text(d)} NOT NULL,
        prefix ${text(d)} NOT NULL,
        hash ${text(d)} NOT NULL,
        scopes TEXT NOT NULL DEFAULT '[]',
        created ${text(d)} NOT NULL,
        created_by ${text(d)} NOT NULL DEFAULT '',
        last_used ${text(d)} NOT NULL DEFAULT '',
        revoked ${text(d)} NOT NULL DEFAULT ''
      )`.execute(db);
      await sql`CREATE UNIQUE INDEX IF NOT EXISTS _api_keys_hash ON _api_keys (hash)`.execute(db);
    },
  },
  {
    // Wakes every node's outbox dispatcher when outbox rows commit (PostgreSQL delivers a NOTIFY
    // only on commit, never for a rollback). The payload is the schema, so apps sharing a database
    // ignore each other's wake-ups. Only a wake-up: dispatchers still read the table after their cursor.
    name: "0003_outbox_notify",
    async up(db, d) {
      if (d !== "postgres") return;
      await sql`CREATE OR REPLACE FUNCTION _outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('backroom_outbox', TG_TABLE_SCHEMA); RETURN NULL; END $$`.execute(db);
      await sql`DROP TRIGGER IF EXISTS _outbox_notify ON _outbox`.execute(db);
      await sql`CREATE TRIGGER _outbox_notify AFTER INSERT ON _outbox
        FOR EACH STATEMENT EXECUTE FUNCTION _outbox_notify()`.execute(db);
    },
  },
  {
    // The durable job queue and outbound webhooks (src/jobs, src/webhooks). Dates are the usual
    // fixed-width text, so `run_at <= now` compares as text on both stores.
    name: "0004_jobs_webhooks",
    async up(db, d) {
      await sql`CREATE TABLE IF NOT EXISTS _jobs (
        id ${text(d)} PRIMARY KEY NOT NULL,
        name ${text(d)} NOT NULL,
        payload TEXT NOT NULL,
        status ${text(d)} NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        backoff TEXT NOT NULL,
        run_at ${text(d)} NOT NULL,
        locked_until ${text(d)},
        locked_by ${text(d)} NOT NULL DEFAULT '',
        last_error TEXT NOT NULL DEFAULT '',
        key ${text(d)},
        created ${text(d)} NOT NULL,
        updated ${text(d)} NOT NULL
      )`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS _jobs_due ON _jobs (status, run_at)`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS _jobs_created ON _jobs (created)`.execute(db);
      // A key names one live job: a dead, failed-for-good or cancelled one frees it for a new enqueue.
      await sql`CREATE UNIQUE INDEX IF NOT EXISTS _jobs_key ON _jobs (key)
        WHERE key IS NOT NULL AND status IN ('pending', 'running', 'failed', 'succeeded')`.execute(db);
      await sql`CREATE TABLE IF NOT EXISTS _webhooks (
        id ${text(d)} PRIMARY KEY NOT NULL,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        secret TEXT NOT NULL,
        active BOOLEAN NOT NULL DEFAULT TRUE,
        created ${text(d)} NOT NULL,
        updated ${text(d)} NOT NULL
      )`.execute(db);
      await sql`CREATE TABLE IF NOT EXISTS _webhook_deliveries (
        id ${text(d)} PRIMARY KEY NOT NULL,
        webhook_id ${text(d)} NOT NULL,
        job_id ${text(d)} NOT NULL,
        event_id ${text(d)} NOT NULL,
        event_type ${text(d)} NOT NULL,
        attempt INTEGER NOT NULL,
        status ${text(d)} NOT NULL,
        http_status INTEGER NOT NULL DEFAULT 0,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT '',
        created ${text(d)} NOT NULL
      )`.execute(db);
      await sql`CREATE INDEX IF NOT EXISTS _webhook_deliveries_hook ON _webhook_deliveries (webhook_id, created)`.execute(
        db,
      );
    },
  },
  logsTableMigration,
  clusterTablesMigration,
  traceContextMigration,
  pushSubscriptionsMigration,
  tusUploadsMigration,
  collectionsPocketBaseColumnsMigration,
];
