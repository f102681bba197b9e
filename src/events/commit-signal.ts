/**
 * The in-process "outbox rows committed" signal. Writers call `outboxCommitted()` after their
 * transaction commits; every dispatcher of this process reads the outbox right away instead of
 * waiting for its next poll. Only a wake-up (DESIGN principle 5): a missed or extra signal costs
 * latency, never an event, so a process-wide set is enough even with several apps in one process.
 */
const wakers = new Set<() => void>();

export function onOutboxCommitted(wake: () => void): () => void {
  wakers.add(wake);
  return () => wakers.delete(wake);
}

export function outboxCommitted(): void {
  for (const wake of wakers) wake();
}
