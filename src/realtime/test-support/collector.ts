import { EventSource } from "eventsource";

/** The SDK's realtime needs a global EventSource; Node has none, so tests install the polyfill. */
export function installEventSource(): void {
  (globalThis as { EventSource?: unknown }).EventSource ??= EventSource;
}

/** Collects what a callback receives and lets a test wait for a count. */
export class Collector<T> {
  readonly items: T[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];

  readonly push = (item: T): void => {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (this.items.length < w.n) return true;
      w.resolve();
      return false;
    });
  };

  /** Resolves once `n` items arrived; rejects after `timeoutMs` with what did arrive. */
  async waitFor(n: number, timeoutMs = 5000): Promise<T[]> {
    if (this.items.length < n) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`expected ${n} items, got ${this.items.length}: ${JSON.stringify(this.items)}`)),
          timeoutMs,
        );
        this.waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    }
    return this.items.slice(0, n);
  }
}
