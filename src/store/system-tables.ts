import type { ColumnType, Generated, Kysely } from "kysely";
import type { Db } from "./store.js";

/**
 * The shapes of the system tables (`store/migrations/`, `store/postgres/cluster-tables.ts`), so the
 * query builder checks their column names and value types. Collection tables stay untyped (`Db`):
 * they are made at run time. Keep in step with the migrations: a new column goes in both places.
 *
 * Dates are the fixed-width text every store writes (`nowDate()`); booleans read back as 0/1 on
 * SQLite and true/false on PostgreSQL; BIGINT reads as a number on both (`store/postgres/open.ts`).
 */
type SqlBoolean = ColumnType<boolean | number, boolean | number, boolean | number>;

export interface CollectionsTable {
  id: string;
  name: string;
  type: string;
  system: SqlBoolean;
  /** The whole definition as JSON. */
  data: string;
  created: string;
  updated: string;
}

export interface ParamsTable {
  id: string;
  value: string;
  updated: string;
}

export interface OutboxTable {
  seq: Generated<number>;
  created: string;
  collection_id: string;
  collection_name: string;
  record_id: string;
  action: string;
  record: string;
  previous: string | null;
  /** W3C traceparent of the request that wrote it, while tracing is on. */
  trace: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AuditTable {
  id: string;
  created: string;
  action: string;
  collection_id: ColumnType<string, string | undefined, string>;
  collection_name: ColumnType<string, string | undefined, string>;
  record_id: ColumnType<string, string | undefined, string>;
  actor_collection: ColumnType<string, string | undefined, string>;
  actor_id: ColumnType<string, string | undefined, string>;
  changes: ColumnType<string, string | undefined, string>;
  request_id: ColumnType<string, string | undefined, string>;
  ip: ColumnType<string, string | undefined, string>;
}

interface AuthRecordRef {
  id: string;
  collection_id: string;
  record_id: string;
  created: string;
}

export interface OtpsTable extends AuthRecordRef {
  password: string;
  sent_to: ColumnType<string, string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
}

export interface MfasTable extends AuthRecordRef {
  method: string;
}

export interface ExternalAuthsTable extends AuthRecordRef {
  provider: string;
  provider_id: string;
}

export interface AuthOriginsTable extends AuthRecordRef {
  fingerprint: string;
  updated: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  /** JSON array of scope names. */
  scopes: ColumnType<string, string | undefined, string>;
  created: string;
  created_by: ColumnType<string, string | undefined, string>;
  /** '' until first use. */
  last_used: ColumnType<string, string | undefined, string>;
  /** '' while the key works. */
  revoked: ColumnType<string, string | undefined, string>;
}

export interface JobsTable {
  id: string;
  name: string;
  payload: string;
  status: string;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  backoff: string;
  run_at: string;
  locked_until: string | null;
  locked_by: ColumnType<string, string | undefined, string>;
  last_error: ColumnType<string, string | undefined, string>;
  key: string | null;
  created: string;
  updated: string;
  trace: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface WebhooksTable {
  id: string;
  url: string;
  /** JSON array of event names. */
  events: string;
  secret: string;
  active: SqlBoolean;
  created: string;
  updated: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  job_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  status: string;
  http_status: ColumnType<number, number | undefined, number>;
  duration_ms: ColumnType<number, number | undefined, number>;
  error: ColumnType<string, string | undefined, string>;
  created: string;
}

/** Web Push subscriptions (src/push), one per browser endpoint, owned by an auth record. */
export interface PushSubscriptionsTable {
  id: string;
  collection_id: string;
  record_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  /** Ms since 1970, as the browser gave it, or null. */
  expiration_time: number | null;
  created: string;
  updated: string;
}

export interface LogsTable {
  id: string;
  created: string;
  updated: string;
  level: number;
  message: string;
  /** JSON text on SQLite, JSONB on PostgreSQL. */
  data: unknown;
}

export interface MigrationsTable {
  /** A system migration's name or a user migration file's name. */
  file: string;
  applied: string;
}

/** PostgreSQL only (several nodes): handed-over realtime subscription requests. */
export interface RealtimeForwardsTable {
  id: Generated<number>;
  node: string;
  request: string;
  claimed: ColumnType<boolean, boolean | undefined, boolean>;
  reply: string | null;
  created: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SystemTables {
  _collections: CollectionsTable;
  _params: ParamsTable;
  _outbox: OutboxTable;
  _audit: AuditTable;
  _otps: OtpsTable;
  _mfas: MfasTable;
  _external_auths: ExternalAuthsTable;
  _auth_origins: AuthOriginsTable;
  _api_keys: ApiKeysTable;
  _jobs: JobsTable;
  _webhooks: WebhooksTable;
  _webhook_deliveries: WebhookDeliveriesTable;
  _push_subscriptions: PushSubscriptionsTable;
  _logs: LogsTable;
  _migrations: MigrationsTable;
  _realtime_forwards: RealtimeForwardsTable;
}

export type SystemDb = Kysely<SystemTables>;

/**
 * The same connection (or transaction) seen with the system tables' types. Only the type changes:
 * a `Db` and its `SystemDb` view run on one connection, so it is safe inside a transaction.
 */
export function systemTables(db: Db): SystemDb {
  return db as unknown as SystemDb;
}
