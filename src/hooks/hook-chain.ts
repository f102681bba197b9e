import { inSpan } from "../tracing/trace-context.js";

/** A registered handler, with where it came from (for error messages and logs). */
export interface HookEntry<E> {
  fn: (e: E) => Promise<void> | void;
  /** e.g. "orders.ts: onRecordCreate". */
  label: string;
  /** Collection names or ids it listens to; empty = every collection. */
  collections: readonly string[];
}

/** A hook that ran past its time budget: its request fails, the process goes on. */
export class HookTimeoutError extends Error {
  override name = "HookTimeoutError";
}

/**
 * Runs handlers middleware-style: each gets the event and calls `e.next()` to run the rest, the
 * innermost `final` being Backroom's own behaviour. A handler that returns without calling next
 * stops the chain there. Each handler's own time (not the time spent inside its `next()`) is
 * bounded by `timeoutMs`, so a hung hook fails its request instead of holding a transaction.
 */
export async function runChain<E extends { next(): Promise<void> }>(
  handlers: readonly HookEntry<E>[],
  event: E,
  final: () => Promise<void>,
  timeoutMs: number,
): Promise<void> {
  const step = async (i: number): Promise<void> => {
    const entry = handlers[i];
    if (!entry) return final();
    const budget = new TimeBudget(timeoutMs, entry.label);
    let called = false;
    event.next = async () => {
      if (called) throw new Error(`${entry.label}: e.next() was called twice`);
      called = true;
      budget.pause();
      try {
        await step(i + 1);
      } finally {
        budget.resume();
      }
    };
    const running = Promise.resolve().then(() =>
      inSpan(`hook ${entry.label}`, {}, async () => {
        await entry.fn(event);
      }),
    );
    try {
      await Promise.race([running, budget.expired]);
    } finally {
      budget.stop();
      // A handler that lost the race may still reject later: that must not crash the process.
      running.catch(() => {});
    }
  };
  await step(0);
}

/** A countdown that stops while the handler waits on `next()`. */
class TimeBudget {
  private left: number;
  private startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private reject: ((err: Error) => void) | undefined;
  readonly expired: Promise<never>;

  constructor(
    ms: number,
    private readonly label: string,
  ) {
    this.left = ms;
    this.expired = new Promise<never>((_, reject) => {
      this.reject = reject;
    });
    this.expired.catch(() => {});
    this.arm();
  }

  private arm(): void {
    this.startedAt = Date.now();
    this.timer = setTimeout(
      () => this.reject?.(new HookTimeoutError(`${this.label} did not finish within its time limit`)),
      Math.max(0, this.left),
    );
  }

  pause(): void {
    clearTimeout(this.timer);
    this.left -= Date.now() - this.startedAt;
  }

  resume(): void {
    this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
