import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreKind } from "../test-support/server.js";
import { openTestServices } from "../test-support/services.js";
import type { SystemTables } from "./system-tables.js";

/** Every column of a table, and only those: the compiler refuses a list that misses one. */
type AllColumns<T> = readonly (keyof T & string)[];
type ColumnLists = { [Table in keyof SystemTables]: AllColumns<SystemTables[Table]> };
type Exhaustive<L extends ColumnLists> = {
  [Table in keyof SystemTables]: Exclude<keyof SystemTables[Table], L[Table][number]> extends never
    ? L[Table]
    : ["missing columns", Exclude<keyof SystemTables[Table], L[Table][number]>];
};

const declared = {
  _collections: ["id", "name", "type", "system", "data", "created", "updated"],
  _params: ["id", "value", "updated"],
  _outbox: [
    "seq",
    "created",
    "collection_id",
    "collection_name",
    "record_id",
    "action",
    "record",
    "previous",
    "trace",
  ],
  _audit: [
    "id",
    "created",
    "action",
    "collection_id",
    "collection_name",
    "record_id",
    "actor_collection",
    "actor_id",
    "changes",
    "request_id",
    "ip",
  ],
  _otps: ["id", "collection_id", "record_id", "password", "sent_to", "attempts", "created"],
  _mfas: ["id", "collection_id", "record_id", "method", "created"],
  _external_auths: ["id", "collection_id", "record_id", "provider", "provider_id", "created"],
  _auth_origins: ["id", "collection_id", "record_id", "fingerprint", "created", "updated"],
  _api_keys: ["id", "name", "prefix", "hash", "scopes", "created", "created_by", "last_used", "revoked"],
  _jobs: [
    "id",
    "name",
    "payload",
    "status",
    "attempts",
    "max_attempts",
    "backoff",
    "run_at",
    "locked_until",
    "locked_by",
    "last_error",
    "key",
    "created",
    "updated",
    "trace",
  ],
  _webhooks: ["id", "url", "events", "secret", "active", "created", "updated"],
  _webhook_deliveries: [
    "id",
    "webhook_id",
    "job_id",
    "event_id",
    "event_type",
    "attempt",
    "status",
    "http_status",
    "duration_ms",
    "error",
    "created",
  ],
  _push_subscriptions: [
    "id",
    "collection_id",
    "record_id",
    "endpoint",
    "p256dh",
    "auth",
    "expiration_time",
    "created",
    "updated",
  ],
  _logs: ["id", "created", "updated", "level", "message", "data"],
  _migrations: ["file", "applied"],
  _realtime_forwards: ["id", "node", "request", "claimed", "reply", "created"],
} as const satisfies ColumnLists;
// Fails to compile when an interface gains a column this list lacks.
const columns: Exhaustive<typeof declared> = declared;

/** Tables that exist on PostgreSQL only (several nodes share them). */
const POSTGRES_ONLY = new Set<string>(["_realtime_forwards"]);

describe.each<StoreKind>(["sqlite", "postgres"])(
  "system table types match the migrated tables (%s)",
  (kind) => {
    let opened: Awaited<ReturnType<typeof openTestServices>>;
    beforeAll(async () => {
      opened = await openTestServices(kind);
    });
    afterAll(async () => {
      await opened?.close();
    });

    async function columnsOf(table: string): Promise<string[]> {
      const { store } = opened.services;
      if (store.dialect === "sqlite") {
        const rows = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(
          store.db,
        );
        return rows.rows.map((r) => r.name);
      }
      const rows = await sql<{ column_name: string }>`SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ${table}`.execute(store.db);
      return rows.rows.map((r) => r.column_name);
    }

    for (const [table, names] of Object.entries(columns)) {
      const exists = kind === "postgres" || !POSTGRES_ONLY.has(table);
      it(`${table}: ${exists ? "the declared columns, no more, no fewer" : "absent on this store"}`, async () => {
        const actual = await columnsOf(table);
        if (!exists) expect(actual).toEqual([]);
        else expect([...actual].sort()).toEqual([...names].sort());
      });
    }
  },
);
