import type { Backoff } from "./job-types.js";

export const DEFAULT_BACKOFF: Backoff = { type: "exponential", base: 1000 };
/** No retry waits longer than this, however many attempts a job is given. */
export const MAX_BACKOFF_MS = 60 * 60 * 1000;

/** The wait after the `attempt`-th failure (1-based): base, 2·base, 4·base, … capped at an hour. */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  return Math.min(backoff.base * 2 ** exponent, MAX_BACKOFF_MS);
}
