/** Where background failures go: Fastify's logger (pino) fits. */
export interface JobLogger {
  error(details: object, message: string): void;
}

/** Jobs still running, per app (keyed by its services object, so parallel test servers don't mix). */
const pendingByOwner = new WeakMap<object, Set<Promise<void>>>();

/**
 * Runs a job after the current response has been sent, tracked so tests (and a shutdown) can
 * wait for it. Mail for request-* endpoints goes through here: the caller answers at once, so
 * the response time doesn't depend on whether the email exists. Failures are logged, never thrown.
 */
export function runInBackground(
  owner: object,
  log: JobLogger,
  label: string,
  job: () => Promise<void>,
): void {
  let pending = pendingByOwner.get(owner);
  if (!pending) {
    pending = new Set();
    pendingByOwner.set(owner, pending);
  }
  const set = pending;
  const run = (async () => {
    // Yield first so the reply is written before the job touches the database or the network.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      await job();
    } catch (err) {
      log.error({ err, job: label }, `background job "${label}" failed`);
    }
  })();
  set.add(run);
  void run.finally(() => set.delete(run));
}

/** Resolves once every job started for `owner` (including ones those jobs start) has finished. */
export async function settleBackgroundJobs(owner: object): Promise<void> {
  const pending = pendingByOwner.get(owner);
  while (pending && pending.size > 0) await Promise.all([...pending]);
}
