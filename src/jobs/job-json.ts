import type { JobRow } from "./job-store.js";
import type { Backoff, Job, JobStatus } from "./job-types.js";

function parseJson(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    return null;
  }
}

/** A `_jobs` row in the shape callers and the API see. */
export function toJob(row: JobRow): Job {
  return {
    id: String(row.id),
    name: String(row.name),
    payload: parseJson(row.payload),
    status: String(row.status) as JobStatus,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    backoff: parseJson(row.backoff) as Backoff,
    runAt: String(row.run_at),
    lockedUntil: row.locked_until == null ? "" : String(row.locked_until),
    lastError: String(row.last_error ?? ""),
    key: row.key == null ? "" : String(row.key),
    created: String(row.created),
    updated: String(row.updated),
  };
}
