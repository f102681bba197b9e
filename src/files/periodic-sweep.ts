import type { CollectionRegistry } from "../collections/registry.js";
import type { RecordQuery } from "../records/record-query.js";
import { type SweepResult, sweepOrphans } from "./orphan-sweep.js";
import type { FileStorage } from "./storage.js";

const HOUR = 60 * 60 * 1000;
export const DEFAULT_SWEEP_EVERY_MS = 6 * HOUR;

/**
 * Sweeps unreferenced files again every `everyMs` while the server runs: the startup sweep alone
 * leaves a crash's orphans on shared storage (S3) until some node starts an hour later. Only
 * objects older than an hour are touched, so uploads and writes in flight are never at risk.
 */
export function schedulePeriodicSweep(
  storage: FileStorage,
  registry: CollectionRegistry,
  query: RecordQuery,
  everyMs: number,
  onResult: (result: SweepResult | Error) => void,
): () => void {
  const stop = new AbortController();
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepFromAnHourAgo(storage, registry, query, stop.signal)
      .then(onResult, (err: Error) => onResult(err))
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    stop.abort();
  };
}

/** One sweep that spares the last hour (what the timer runs; `POST /api/crons/…` runs it at once). */
export async function sweepFromAnHourAgo(
  storage: FileStorage,
  registry: CollectionRegistry,
  query: RecordQuery,
  signal?: AbortSignal,
): Promise<SweepResult> {
  // Resolved first: whether storage that follows the settings is shared is known only then.
  const backend = await storage.resolve();
  // sweepOrphans keeps the last hour on shared storage itself; locally it keeps what is newer than
  // the given start, so an hour back gives both the same margin.
  const startedAt = new Date(backend.shared ? Date.now() : Date.now() - HOUR);
  return sweepOrphans(backend, registry, query, startedAt, signal);
}
