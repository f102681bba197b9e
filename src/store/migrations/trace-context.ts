import { sql } from "kysely";
import type { SystemMigration } from "./system-migration.js";

/**
 * Where a record event and a job keep the W3C `traceparent` of the request that caused them (set
 * only while tracing is on), so the work done later links back to that request's trace.
 */
export const traceContextMigration: SystemMigration = {
  name: "0007_trace_context",
  async up(db) {
    await sql`ALTER TABLE _outbox ADD COLUMN trace TEXT`.execute(db);
    await sql`ALTER TABLE _jobs ADD COLUMN trace TEXT`.execute(db);
  },
};
