import { sql } from "kysely";
import type { DialectName } from "../sql-fragments.js";
import type { SystemMigration } from "./system-migration.js";

const text = (d: DialectName) => (d === "postgres" ? sql.raw(`TEXT COLLATE "C"`) : sql.raw("TEXT"));

/**
 * Web Push subscriptions (src/push): one row per browser subscription, owned by one auth record
 * (deleted with it, or with its collection: store/account-state.ts). The endpoint is unique: a browser that
 * signs in as someone else moves its one subscription to that account.
 */
export const pushSubscriptionsMigration: SystemMigration = {
  name: "0008_push_subscriptions",
  async up(db, d) {
    await sql`CREATE TABLE IF NOT EXISTS _push_subscriptions (
      id ${text(d)} PRIMARY KEY NOT NULL,
      collection_id ${text(d)} NOT NULL,
      record_id ${text(d)} NOT NULL,
      endpoint ${text(d)} NOT NULL,
      p256dh ${text(d)} NOT NULL,
      auth ${text(d)} NOT NULL,
      expiration_time BIGINT,
      created ${text(d)} NOT NULL,
      updated ${text(d)} NOT NULL
    )`.execute(db);
    await sql`CREATE UNIQUE INDEX IF NOT EXISTS _push_subscriptions_endpoint ON _push_subscriptions (endpoint)`.execute(
      db,
    );
    await sql`CREATE INDEX IF NOT EXISTS _push_subscriptions_owner ON _push_subscriptions (collection_id, record_id)`.execute(
      db,
    );
  },
};
