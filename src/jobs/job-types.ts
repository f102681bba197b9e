import type { Db } from "../store/store.js";

export const JOB_STATUSES = ["pending", "running", "succeeded", "failed", "dead", "cancelled"] as const;
/**
 * pending: waiting for its run_at; running: claimed by a worker under a lease; succeeded;
 * failed: an attempt failed and a retry is scheduled at run_at; dead: no attempts left (the dead
 * letter); cancelled: withdrawn before it ran.
 */
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Backoff {
  type: "exponential";
  /** Delay before the first retry, in ms; it doubles on each further retry. */
  base: number;
}

export interface EnqueueOptions {
  /** Run no earlier than this many ms from now. */
  delay?: number;
  /** Total attempts before the job goes dead (default 5). */
  attempts?: number;
  backoff?: Backoff;
  /** Idempotency: while a job with this key is live or succeeded, enqueue returns it instead. */
  key?: string;
  /** Enqueue inside the caller's transaction: the job exists exactly when that commits. */
  tx?: Db;
  /**
   * The W3C traceparent the job's run links back to (tracing on); by default the current span's,
   * so a job enqueued by a request links to that request's trace.
   */
  trace?: string | null;
}

/** A job as the API and callers see it. */
export interface Job {
  id: string;
  name: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  backoff: Backoff;
  runAt: string;
  lockedUntil: string;
  lastError: string;
  key: string;
  created: string;
  updated: string;
}

export interface JobContext {
  id: string;
  name: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the worker stops and its grace period ends: finish or give up soon. */
  signal: AbortSignal;
}

export type JobHandler<P = unknown> = (payload: P, ctx: JobContext) => Promise<void> | void;

/** Marks permanent job errors so one thrown by a hook (whose "backroom" import may be another copy of this module) is still recognised. */
const PERMANENT_JOB_ERROR = Symbol.for("backroom.PermanentJobError");

/** Thrown by a handler when retrying cannot help: the job goes dead at once. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
  readonly [PERMANENT_JOB_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof asks about; subclasses keep the prototype check.
    if (this !== PermanentJobError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === "object" &&
      value !== null &&
      (value as { [PERMANENT_JOB_ERROR]?: unknown })[PERMANENT_JOB_ERROR] === true
    );
  }
}
