import { nowDate, randomId } from "../ids.js";
import type { OpsCounters } from "../metrics/ops-counters.js";
import type { Store } from "../store/store.js";
import { inSpan } from "../tracing/trace-context.js";
import { backoffDelay } from "./backoff.js";
import type { JobQueueOptions } from "./job-options.js";
import {
  buryExpiredLastAttempts,
  claimJobs,
  finishJob,
  type JobOutcome,
  type JobRow,
  pruneFinishedJobs,
  renewLeases,
} from "./job-store.js";
import { type Backoff, type JobHandler, PermanentJobError } from "./job-types.js";

/** Where the worker reports; `level` is "error" unless said otherwise (a failed attempt that is retried: "warn"). */
export type JobLog = (message: string, err?: unknown, level?: "warn" | "error") => void;

const MAX_ERROR_LENGTH = 2000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

const at = (msFromNow: number) => nowDate(new Date(Date.now() + msFromNow));

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.slice(0, MAX_ERROR_LENGTH);
}

function parsePayload(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    throw new PermanentJobError("the stored payload is not valid JSON");
  }
}

/**
 * One node's worker: claims due jobs (up to its concurrency), runs their handlers, records the
 * outcome, and keeps its leases alive while handlers run. A node that dies stops renewing, so
 * its jobs become claimable again when their lease ends (at-least-once delivery).
 */
export class JobWorker {
  /** Written into locked_by: which worker holds a lease. */
  private readonly id = randomId();
  private readonly active = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private stopping = false;
  private loopDone: Promise<void> | undefined;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private lastMaintenance = 0;
  private lastPrune = 0;

  constructor(
    private readonly store: Store,
    private readonly handlers: ReadonlyMap<string, JobHandler>,
    private readonly options: JobQueueOptions,
    private readonly log: JobLog,
    private readonly runs: OpsCounters["jobRuns"],
  ) {}

  start(): void {
    this.loopDone ??= this.loop();
  }

  /** Claims again soon (after a local enqueue, or when a handler finishes). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops claiming, then waits (bounded) for running handlers. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loopDone;
    const running = Promise.allSettled([...this.active.values()]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.stopGraceMs);
    });
    const finished = await Promise.race([running, grace]);
    clearTimeout(timer);
    if (!finished) {
      this.abort.abort();
      this.log(
        `stopping with ${this.active.size} job(s) still running; they are retried when their lease ends`,
      );
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let more = false;
      try {
        await this.maintain();
        more = await this.claimAndRun();
      } catch (err) {
        this.log("claiming jobs failed; retrying on the next poll", err);
      }
      if (!more && !this.stopping) await this.idle();
    }
  }

  /** Waits for a wake-up or the poll interval, whichever comes first. */
  private idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollMs);
      this.wakeUp = done;
    });
  }

  /** Claims what fits and starts it; true when the batch was full (more may be due right away). */
  private async claimAndRun(): Promise<boolean> {
    const free = this.options.concurrency - this.active.size;
    if (free <= 0 || this.handlers.size === 0) return false;
    const rows = await claimJobs(this.store.db, this.store.dialect, {
      names: [...this.handlers.keys()],
      limit: free,
      now: nowDate(),
      leaseUntil: at(this.options.leaseMs),
      worker: this.id,
      exclude: [...this.active.keys()],
    });
    for (const row of rows) this.run(row);
    return rows.length === free;
  }

  private run(row: JobRow): void {
    const id = String(row.id);
    const name = String(row.name);
    const attempt = Number(row.attempts);
    const maxAttempts = Number(row.max_attempts);
    const handler = this.handlers.get(name);
    const promise = (async () => {
      let outcome: JobOutcome = { status: "succeeded" };
      const attemptJob = async () => {
        try {
          if (!handler) throw new PermanentJobError(`no handler for job "${name}"`);
          const payload = parsePayload(row.payload);
          await handler(payload, { id, name, attempt, maxAttempts, signal: this.abort.signal });
        } catch (err) {
          // Logged here, inside the attempt's span: with tracing on, the line names its trace.
          outcome = this.failed(row, err);
          throw err;
        }
      };
      // A trace of its own per attempt, linked to the request that enqueued the job.
      await inSpan(
        `job ${name}`,
        {
          kind: "consumer",
          root: true,
          linkTo: row.trace ? String(row.trace) : null,
          attributes: { "backroom.job.id": id, "backroom.job.name": name, "backroom.job.attempt": attempt },
        },
        attemptJob,
      ).catch(() => {
        // The outcome says what went wrong; the span carries the error.
      });
      this.runs[outcome.status]++;
      try {
        await finishJob(this.store.db, { id, worker: this.id, attempt }, outcome, nowDate());
      } catch (err) {
        this.log(`recording the outcome of job ${id} failed; it is retried when its lease ends`, err);
      }
    })().finally(() => {
      this.active.delete(id);
      this.wake();
    });
    this.active.set(id, promise);
  }

  /** The outcome of a failed attempt (retry later or dead), logged once per attempt. */
  private failed(row: JobRow, err: unknown): JobOutcome {
    const [id, name] = [String(row.id), String(row.name)];
    const attempt = Number(row.attempts);
    const maxAttempts = Number(row.max_attempts);
    const error = errorText(err);
    const last = err instanceof PermanentJobError || attempt >= maxAttempts;
    // Once per failed attempt, in the log too: the Jobs page is not where anyone looks first.
    this.log(
      `job "${name}" (${id}) failed on attempt ${attempt} of ${maxAttempts}` +
        `${last ? ", no retry left" : ", retried later"}: ${error}`,
      err,
      last ? "error" : "warn",
    );
    if (last) return { status: "dead", error };
    try {
      const backoff = JSON.parse(String(row.backoff)) as Backoff;
      return { status: "failed", error, runAt: at(backoffDelay(backoff, attempt)) };
    } catch {
      // A row whose backoff can't be read can't be scheduled again: it is not retried forever.
      return { status: "dead", error: `${error} (unreadable backoff: not retried)` };
    }
  }

  /** Lease renewal and dead-lease burial a few times per lease; pruning now and then. */
  private async maintain(): Promise<void> {
    const now = Date.now();
    if (now - this.lastMaintenance < this.options.leaseMs / 3) return;
    this.lastMaintenance = now;
    await renewLeases(this.store.db, this.id, [...this.active.keys()], at(this.options.leaseMs));
    await buryExpiredLastAttempts(this.store.db, nowDate());
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      await pruneFinishedJobs(this.store.db, nowDate(new Date(now - this.options.retentionMs)));
    }
  }
}
