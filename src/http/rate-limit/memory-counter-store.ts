import type { CounterStore, HitOptions, HitResult } from "./counter-store.js";

interface Window {
  count: number;
  resetAt: number;
}

const SWEEP_EVERY_MS = 60_000;

/**
 * Counters in this process's memory (one node). Bounded: expired windows are swept at most once a
 * minute, and past `maxKeys` the oldest windows are dropped — a flood of new addresses can cost
 * some counters their history, never unbounded memory.
 */
export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, Window>();
  private nextSweep = 0;

  constructor(
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.windows.size;
  }

  async hit(
    key: string,
    windowMs: number,
    cost: number,
    max: number,
    opts: HitOptions = {},
  ): Promise<HitResult> {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      // Re-inserting keeps the map in window-start order, so the first entries are the oldest.
      if (w) this.windows.delete(key);
      this.makeRoom(now);
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    const count = w.count + cost;
    const allowed = count <= max;
    if (allowed) {
      w.count = count;
      if (opts.sliding) w.resetAt = now + windowMs;
    }
    return { allowed, count, resetInMs: w.resetAt - now };
  }

  async peek(key: string): Promise<{ count: number; resetInMs: number }> {
    const now = this.now();
    const w = this.windows.get(key);
    return w && w.resetAt > now ? { count: w.count, resetInMs: w.resetAt - now } : { count: 0, resetInMs: 0 };
  }

  async refund(key: string, cost: number): Promise<void> {
    const w = this.windows.get(key);
    if (w && w.resetAt > this.now()) w.count = Math.max(0, w.count - cost);
  }

  private makeRoom(now: number): void {
    if (now >= this.nextSweep) {
      this.nextSweep = now + SWEEP_EVERY_MS;
      for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    }
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }

  async warmUp(): Promise<void> {}

  async close(): Promise<void> {
    this.windows.clear();
  }
}
