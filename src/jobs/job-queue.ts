import { nowDate, randomId } from "../ids.js";
import { OpsCounters } from "../metrics/ops-counters.js";
import type { Store } from "../store/store.js";
import { currentTraceparent } from "../tracing/trace-context.js";
import { DEFAULT_BACKOFF } from "./backoff.js";
import { toJob } from "./job-json.js";
import { DEFAULT_JOB_QUEUE_OPTIONS, type JobQueueOptions } from "./job-options.js";
import { findJobByKey, getJobRow, insertJob } from "./job-store.js";
import type { Backoff, EnqueueOptions, Job, JobHandler } from "./job-types.js";
import { type JobLog, JobWorker } from "./job-worker.js";

export const DEFAULT_ATTEMPTS = 5;
const MAX_ATTEMPTS = 100;
const MAX_NAME_LENGTH = 255;
const MAX_KEY_LENGTH = 512;

function checkOptions(
  name: string,
  opts: EnqueueOptions,
): { attempts: number; backoff: Backoff; delay: number } {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw new TypeError("invalid job name");
  const attempts = opts.attempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > MAX_ATTEMPTS)
    throw new TypeError(`attempts must be a whole number from 1 to ${MAX_ATTEMPTS}`);
  const delay = opts.delay ?? 0;
  if (!Number.isFinite(delay) || delay < 0) throw new TypeError("delay must be a non-negative number of ms");
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  if (backoff.type !== "exponential" || !Number.isFinite(backoff.base) || backoff.base < 0)
    throw new TypeError('backoff must be {type: "exponential", base: ms}');
  if (opts.key !== undefined && (opts.key.length === 0 || opts.key.length > MAX_KEY_LENGTH))
    throw new TypeError(`key must have 1 to ${MAX_KEY_LENGTH} characters`);
  return { attempts, backoff: { type: "exponential", base: backoff.base }, delay };
}

/**
 * The durable job queue: jobs live in `_jobs`, so they survive restarts and are shared by every
 * node on one PostgreSQL database. `define` says what this node can run; `enqueue` may name a job
 * that only another node defines.
 */
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private worker: JobWorker | undefined;
  private log: JobLog = () => {};

  constructor(
    private readonly store: Store,
    readonly options: JobQueueOptions = DEFAULT_JOB_QUEUE_OPTIONS,
    /** Where this node's worker counts the attempts it ran, by outcome (for metrics). */
    readonly runs: OpsCounters["jobRuns"] = new OpsCounters().jobRuns,
  ) {}

  setLogger(log: JobLog): void {
    this.log = log;
  }

  define<P>(name: string, handler: JobHandler<P>): void {
    if (this.handlers.has(name)) throw new Error(`job "${name}" is defined already`);
    this.handlers.set(name, (payload, ctx) => handler(payload as P, ctx));
    this.worker?.wake();
  }

  /** Forgets a handler (hooks reloaded in --dev); jobs of that name wait for a new definition. */
  undefine(name: string): void {
    this.handlers.delete(name);
  }

  /** Stores a job; with a key held by a live or succeeded job, returns that job instead. */
  async enqueue(name: string, payload: unknown, opts: EnqueueOptions = {}): Promise<Job> {
    const { attempts, backoff, delay } = checkOptions(name, opts);
    const db = opts.tx ?? this.store.db;
    const text = JSON.stringify(payload ?? null);
    // A key freed between the failed insert and the lookup (its job just died) means: try again.
    for (let tries = 0; tries < 3; tries++) {
      const now = nowDate();
      const row = {
        id: randomId(),
        name,
        payload: text,
        maxAttempts: attempts,
        backoff: JSON.stringify(backoff),
        runAt: delay > 0 ? nowDate(new Date(Date.now() + delay)) : now,
        key: opts.key ?? null,
        now,
        trace: opts.trace === undefined ? currentTraceparent() : opts.trace,
      };
      if (await insertJob(db, row)) {
        if (delay === 0) this.worker?.wake();
        return toJob({
          ...row,
          status: "pending",
          attempts: 0,
          max_attempts: row.maxAttempts,
          run_at: row.runAt,
          locked_until: null,
          last_error: "",
          created: now,
          updated: now,
        });
      }
      if (opts.key !== undefined) {
        const existing = await findJobByKey(db, opts.key);
        if (existing) return toJob(existing);
      }
    }
    throw new Error(`could not enqueue job "${name}"`);
  }

  async get(id: string): Promise<Job | undefined> {
    const row = await getJobRow(this.store.db, id);
    return row ? toJob(row) : undefined;
  }

  /** Starts this node's worker. */
  start(): void {
    this.worker ??= new JobWorker(this.store, this.handlers, this.options, this.log, this.runs);
    this.worker.start();
  }

  /** Claims again soon (e.g. after a job was made due by the API). */
  wake(): void {
    this.worker?.wake();
  }

  /** Stops claiming and waits, bounded by stopGraceMs, for running handlers. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.stop();
  }
}
