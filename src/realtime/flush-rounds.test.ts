import { describe, expect, it } from "vitest";
import { type Flushable, FlushRounds } from "./flush-rounds.js";

/** A connection that notes when it was flushed. */
function connection(log: string[], name: string): Flushable & { flushedAt: number[] } {
  const flushedAt: number[] = [];
  return {
    flushedAt,
    flush() {
      log.push(name);
      flushedAt.push(performance.now());
    },
  };
}

const nextTurn = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("flush rounds", () => {
  it("flushes every connection queued during a turn once, in order, when the turn ends", async () => {
    const rounds = new FlushRounds(() => 0);
    const log: string[] = [];
    const a = connection(log, "a");
    const b = connection(log, "b");
    rounds.schedule(a);
    rounds.schedule(b);
    expect(log).toEqual([]); // nothing is written while the turn still runs
    await nextTurn();
    expect(log).toEqual(["a", "b"]);
    await sleep(20);
    expect(log).toEqual(["a", "b"]);
  });

  it("runs the first round after a quiet spell at once, and the next one no sooner than the interval", async () => {
    const interval = 120;
    const rounds = new FlushRounds(() => interval);
    const log: string[] = [];
    const a = connection(log, "a");
    rounds.schedule(a);
    await nextTurn();
    expect(log).toEqual(["a"]);
    rounds.schedule(a);
    await nextTurn();
    expect(log).toEqual(["a"]); // inside the interval: held back
    await sleep(interval * 3);
    expect(log).toEqual(["a", "a"]);
    const [first = 0, second = 0] = a.flushedAt;
    // Timers may fire up to a millisecond before their nominal time on a coarse clock.
    expect(second - first).toBeGreaterThanOrEqual(interval - 2);
    await sleep(interval + 10);
    rounds.schedule(a);
    await nextTurn();
    expect(log).toEqual(["a", "a", "a"]); // quiet again: at once
  });

  it("after a long round, waits as long as it took before the next one", async () => {
    const rounds = new FlushRounds(() => 0);
    const log: string[] = [];
    const slow = connection(log, "slow");
    const busy = 80;
    const flushSlowly = slow.flush;
    slow.flush = () => {
      flushSlowly();
      const until = performance.now() + busy; // a round that keeps the CPU for a while
      while (performance.now() < until);
    };
    rounds.schedule(slow);
    await nextTurn();
    const firstEnded = performance.now();
    rounds.schedule(slow);
    await nextTurn();
    expect(log).toEqual(["slow"]); // held back: the last round took 80 ms
    await sleep(busy * 3);
    expect(log).toEqual(["slow", "slow"]);
    const [, second = 0] = slow.flushedAt;
    expect(second - firstEnded).toBeGreaterThanOrEqual(busy - 2);
  });

  it("reads the interval on every round", async () => {
    let interval = 10_000;
    const rounds = new FlushRounds(() => interval);
    const log: string[] = [];
    const a = connection(log, "a");
    rounds.schedule(a);
    await nextTurn();
    interval = 0;
    rounds.schedule(a);
    await nextTurn();
    expect(log).toEqual(["a", "a"]);
  });
});
