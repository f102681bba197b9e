/** The outcome of a hit: allowed or not, the window's total, and how long until the window resets. */
export interface HitResult {
  allowed: boolean;
  /** The count including this hit (when refused: what it would have been). */
  count: number;
  resetInMs: number;
}

export interface HitOptions {
  /**
   * Every counted hit restarts the window, so the count lapses only `windowMs` after the last
   * counted hit (a lockout that lasts a full window after the last failure). Default: the window
   * runs from the hit that opened it.
   */
  sliding?: boolean;
}

/**
 * Counters by key, each in a window that opens with its first hit. `hit` adds `cost` to the key's
 * counter, opening a window of `windowMs` when there is none — unless that would exceed `max`:
 * refused hits are not counted (as in PocketBase), so one over-sized batch doesn't use up a
 * client's window. Every method rejects when the store can't be reached.
 *
 * Implementations: in this process's memory, in Redis (shared by nodes). Another shared store
 * (e.g. a PostgreSQL table of key, count, reset time) needs the same three operations, each
 * atomic per key.
 */
export interface CounterStore {
  hit(key: string, windowMs: number, cost: number, max: number, opts?: HitOptions): Promise<HitResult>;
  /** The key's count and remaining window, counting nothing (0 and 0 when it has no window). */
  peek(key: string): Promise<{ count: number; resetInMs: number }>;
  /** Takes back `cost` counted hits (never below 0), keeping the window's end. */
  refund(key: string, cost: number): Promise<void>;
  /** Connects ahead of the first request where that applies; never throws. */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}
