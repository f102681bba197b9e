import { type RawBuilder, sql } from "kysely";
import type { DialectName } from "../store/sql-fragments.js";
import type { Db } from "../store/store.js";
import { systemTables } from "../store/system-tables.js";
import type { JobStatus } from "./job-types.js";

/** A `_jobs` row as the drivers return it. */
export type JobRow = Record<string, unknown>;

export interface NewJobRow {
  id: string;
  name: string;
  payload: string;
  maxAttempts: number;
  backoff: string;
  runAt: string;
  key: string | null;
  now: string;
  /** The traceparent the run links back to (only while tracing is on). */
  trace: string | null;
}

/** Inserts a job; false when its key already names a live or succeeded job (the partial unique index). */
export async function insertJob(db: Db, job: NewJobRow): Promise<boolean> {
  const inserted = await systemTables(db)
    .insertInto("_jobs")
    .values({
      id: job.id,
      name: job.name,
      payload: job.payload,
      status: "pending",
      attempts: 0,
      max_attempts: job.maxAttempts,
      backoff: job.backoff,
      run_at: job.runAt,
      locked_until: null,
      key: job.key,
      created: job.now,
      updated: job.now,
      ...(job.trace ? { trace: job.trace } : {}),
    })
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .execute();
  return inserted.length > 0;
}

/** The job currently holding `key` (the one the unique index protects). */
export async function findJobByKey(db: Db, key: string): Promise<JobRow | undefined> {
  return systemTables(db)
    .selectFrom("_jobs")
    .selectAll()
    .where("key", "=", key)
    .where("status", "in", ["pending", "running", "failed", "succeeded"])
    .executeTakeFirst();
}

export async function getJobRow(db: Db, id: string): Promise<JobRow | undefined> {
  return systemTables(db).selectFrom("_jobs").selectAll().where("id", "=", id).executeTakeFirst();
}

export interface ClaimRequest {
  names: string[];
  limit: number;
  now: string;
  leaseUntil: string;
  worker: string;
  /** Jobs this worker is running already (a lease it failed to renew in time must not be claimed twice here). */
  exclude: string[];
}

/**
 * Claims up to `limit` due jobs in one statement: pending or failed ones whose run_at has come, and
 * running ones whose lease expired (their worker died) with attempts left. Each claim counts as an
 * attempt. On PostgreSQL every node claims concurrently: FOR UPDATE SKIP LOCKED hands each row to
 * one of them. SQLite has one writer, so the statement alone is atomic.
 */
export async function claimJobs(db: Db, dialect: DialectName, req: ClaimRequest): Promise<JobRow[]> {
  if (req.names.length === 0 || req.limit <= 0) return [];
  const conditions: RawBuilder<unknown>[] = [
    sql`name IN (${sql.join(req.names)})`,
    sql`((status IN ('pending', 'failed') AND run_at <= ${req.now})
      OR (status = 'running' AND locked_until < ${req.now} AND attempts < max_attempts))`,
  ];
  if (req.exclude.length > 0) conditions.push(sql`id NOT IN (${sql.join(req.exclude)})`);
  const lock = dialect === "postgres" ? sql` FOR UPDATE SKIP LOCKED` : sql``;
  const result = await sql<JobRow>`WITH due AS MATERIALIZED (
      SELECT id FROM _jobs WHERE ${sql.join(conditions, sql` AND `)}
      ORDER BY run_at, created LIMIT ${req.limit}${lock}
    )
    UPDATE _jobs SET status = 'running', attempts = attempts + 1, locked_until = ${req.leaseUntil},
      locked_by = ${req.worker}, updated = ${req.now}
    WHERE id IN (SELECT id FROM due)
    RETURNING *`.execute(db);
  return result.rows;
}

/** Extends the leases of jobs this worker still runs. */
export async function renewLeases(db: Db, worker: string, ids: string[], until: string): Promise<void> {
  if (ids.length === 0) return;
  await systemTables(db)
    .updateTable("_jobs")
    .set({ locked_until: until })
    .where("id", "in", ids)
    .where("locked_by", "=", worker)
    .where("status", "=", "running")
    .execute();
}

export type JobOutcome =
  | { status: "succeeded" }
  | { status: "failed"; error: string; runAt: string }
  | { status: "dead"; error: string };

/**
 * Records how an attempt ended, only if this worker still holds that attempt: a worker whose
 * lease expired and was re-claimed elsewhere must not overwrite the newer attempt's state.
 */
export async function finishJob(
  db: Db,
  claim: { id: string; worker: string; attempt: number },
  outcome: JobOutcome,
  now: string,
): Promise<boolean> {
  const result = await systemTables(db)
    .updateTable("_jobs")
    .set({
      status: outcome.status,
      locked_until: null,
      updated: now,
      last_error: outcome.status === "succeeded" ? "" : outcome.error,
      ...(outcome.status === "failed" ? { run_at: outcome.runAt } : {}),
    })
    .where("id", "=", claim.id)
    .where("locked_by", "=", claim.worker)
    .where("attempts", "=", claim.attempt)
    .where("status", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Running jobs whose worker vanished during their last attempt: dead letters, not retried forever. */
export async function buryExpiredLastAttempts(db: Db, now: string): Promise<number> {
  const result = await systemTables(db)
    .updateTable("_jobs")
    .set({
      status: "dead",
      locked_until: null,
      updated: now,
      last_error: "the worker stopped during the last attempt (lease expired)",
    })
    .where("status", "=", "running")
    .where("locked_until", "<", now)
    .whereRef("attempts", ">=", "max_attempts")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Moves a job from one of `from` to `to`; false when it is not in one of them (or doesn't exist). */
export async function moveJob(
  db: Db,
  id: string,
  from: JobStatus[],
  set: { status: JobStatus; attempts?: number; runAt?: string; lastError?: string },
  now: string,
): Promise<boolean> {
  const result = await systemTables(db)
    .updateTable("_jobs")
    .set({
      status: set.status,
      updated: now,
      ...(set.attempts !== undefined ? { attempts: set.attempts } : {}),
      ...(set.runAt !== undefined ? { run_at: set.runAt } : {}),
      ...(set.lastError !== undefined ? { last_error: set.lastError } : {}),
    })
    .where("id", "=", id)
    .where("status", "in", from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface JobFilter {
  status?: JobStatus;
  name?: string;
}

export async function listJobRows(
  db: Db,
  filter: JobFilter,
  page: { limit: number; offset: number },
): Promise<JobRow[]> {
  let query = systemTables(db).selectFrom("_jobs").selectAll();
  if (filter.status) query = query.where("status", "=", filter.status);
  if (filter.name) query = query.where("name", "=", filter.name);
  return query
    .orderBy("created", "desc")
    .orderBy("id", "desc")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countJobRows(db: Db, filter: JobFilter): Promise<number> {
  let query = systemTables(db)
    .selectFrom("_jobs")
    .select((eb) => eb.fn.countAll().as("n"));
  if (filter.status) query = query.where("status", "=", filter.status);
  if (filter.name) query = query.where("name", "=", filter.name);
  const row = await query.executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Deletes finished jobs (succeeded, cancelled) last touched before `before`; dead letters stay. */
export async function pruneFinishedJobs(db: Db, before: string): Promise<number> {
  const result = await systemTables(db)
    .deleteFrom("_jobs")
    .where("status", "in", ["succeeded", "cancelled"])
    .where("updated", "<", before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Jobs per status, and the oldest `run_at` of those due to run (pending or awaiting a retry). */
export async function jobBacklog(
  db: Db,
  now: string,
): Promise<{ byStatus: Map<string, number>; oldestDue: string | undefined }> {
  const counts = await systemTables(db)
    .selectFrom("_jobs")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  const due = await systemTables(db)
    .selectFrom("_jobs")
    .select((eb) => eb.fn.min("run_at").as("oldest"))
    .where("status", "in", ["pending", "failed"])
    .where("run_at", "<=", now)
    .executeTakeFirst();
  return {
    byStatus: new Map(counts.map((r) => [String(r.status), Number(r.n)])),
    oldestDue: due?.oldest ? String(due.oldest) : undefined,
  };
}
