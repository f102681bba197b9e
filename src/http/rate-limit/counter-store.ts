/** The outcome of a hit: allowed or not, the window's total, and how long until the window resets. */
export interface HitResult {
  allowed: boolean;
  /** The count including this hit (when refused: what it would have been). */
  count: number;
  resetInMs: number;
}

/**
 * Fixed-window counters by key. `hit` adds `cost` to the key's counter, opening a window of
 * `windowMs` when there is none — unless that would exceed `max`: refused hits are not counted
 * (as in PocketBase), so one over-sized batch doesn't use up a client's window. It rejects when
 * the store can't be reached.
 */
export interface CounterStore {
  hit(key: string, windowMs: number, cost: number, max: number): Promise<HitResult>;
  /** Connects ahead of the first request where that applies; never throws. */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}
