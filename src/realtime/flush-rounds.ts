/** A connection with output queued since its last flush. */
export interface Flushable {
  /** Writes everything queued so far in one write; must not throw. */
  flush(): void;
}

/**
 * Coalesces realtime output into flush rounds, one write per connection per round. Events
 * published during one event-loop turn (several commits answered in one I/O phase, or a backlog
 * the dispatcher reads as one batch) leave together when the turn ends (setImmediate), instead of
 * one write system call per event and connection: at thousands of streams those calls are most of
 * the fan-out's cost. A round also waits until `minIntervalMs` after the previous one began, and
 * until as long after it ended as it took: the first event after a quiet spell goes out at once,
 * a burst's events share writes, and when rounds grow long (many connections, a busy CPU) writing
 * takes at most about half of the event loop's time, the rest being left to the requests and events
 * that fill the next round, so the cost per event falls as the load rises.
 */
export class FlushRounds {
  private queued: Flushable[] = [];
  private scheduled = false;
  /** When the last round started (performance.now() time) and how long it took. */
  private lastStarted = Number.NEGATIVE_INFINITY;
  private lastDuration = 0;

  /** `minIntervalMs` is read on every round, so a changed option applies to the next one. */
  constructor(private readonly minIntervalMs: () => number) {}

  /** Flushes `connection` in the next round; a connection asks once per round. */
  schedule(connection: Flushable): void {
    this.queued.push(connection);
    if (this.scheduled) return;
    this.scheduled = true;
    // Both rules in one: after the interval from its start, and its own length after its end.
    const notBefore = this.lastStarted + Math.max(this.minIntervalMs(), 2 * this.lastDuration);
    const wait = notBefore - performance.now();
    if (wait > 0) setTimeout(this.flushAll, wait);
    else setImmediate(this.flushAll);
  }

  private readonly flushAll = (): void => {
    this.scheduled = false;
    this.lastStarted = performance.now();
    const connections = this.queued;
    this.queued = [];
    for (const connection of connections) connection.flush();
    this.lastDuration = performance.now() - this.lastStarted;
  };
}
