export interface JobQueueOptions {
  /** Handlers run at once on this node, at most. */
  concurrency: number;
  /** Safety-net poll for due jobs (local enqueues and finished handlers wake the worker at once). */
  pollMs: number;
  /** A claimed job is this node's for this long; renewed while its handler runs. */
  leaseMs: number;
  /** How long stop() waits for running handlers before aborting their signal and returning. */
  stopGraceMs: number;
  /** Succeeded and cancelled jobs are deleted this long after they finished (dead letters stay). */
  retentionMs: number;
}

export const DEFAULT_JOB_QUEUE_OPTIONS: JobQueueOptions = {
  concurrency: 10,
  pollMs: 500,
  leaseMs: 30_000,
  stopGraceMs: 10_000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
};

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
}

/** BACKROOM_JOBS_CONCURRENCY, BACKROOM_JOBS_POLL_MS, BACKROOM_JOBS_LEASE_MS, BACKROOM_JOBS_STOP_GRACE_MS. */
export function jobQueueOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): JobQueueOptions {
  const d = DEFAULT_JOB_QUEUE_OPTIONS;
  return {
    concurrency: positive(env.BACKROOM_JOBS_CONCURRENCY, d.concurrency),
    pollMs: positive(env.BACKROOM_JOBS_POLL_MS, d.pollMs),
    leaseMs: positive(env.BACKROOM_JOBS_LEASE_MS, d.leaseMs),
    stopGraceMs: positive(env.BACKROOM_JOBS_STOP_GRACE_MS, d.stopGraceMs),
    retentionMs: d.retentionMs,
  };
}
