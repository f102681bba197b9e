import { outboxCommitted } from "../events/commit-signal.js";
import type { Db, Store } from "../store/store.js";

/** What to run once a transaction's outcome is known (after-commit hooks). */
export interface AfterCommitTask {
  committed(): Promise<void>;
  rolledBack(error: unknown): Promise<void>;
}

const queues = new WeakMap<Db, AfterCommitTask[]>();

/**
 * Defers a task to the end of the transaction `tx` belongs to. Outside a transaction opened by
 * {@link transactionWithAfterCommit} (a plain connection), the write is already durable: run now.
 */
export async function afterCommit(tx: Db, task: AfterCommitTask): Promise<void> {
  const queue = queues.get(tx);
  if (queue) queue.push(task);
  else await task.committed();
}

/**
 * A transaction whose deferred tasks run after COMMIT (or with the error after ROLLBACK). Every
 * record write ends in one, so this is also where the outbox dispatcher is woken: once per
 * committed transaction, batch or single write alike.
 */
export async function transactionWithAfterCommit<T>(store: Store, fn: (tx: Db) => Promise<T>): Promise<T> {
  const queue: AfterCommitTask[] = [];
  let nested = false;
  let result: T;
  try {
    result = await store.transaction((tx) => {
      // A nested call joins the outer transaction: its tasks wait for the outer outcome.
      if (queues.has(tx)) nested = true;
      else queues.set(tx, queue);
      return fn(tx);
    });
  } catch (err) {
    if (nested) throw err;
    for (const task of queue) await task.rolledBack(err);
    throw err;
  }
  if (nested) return result;
  outboxCommitted();
  for (const task of queue) await task.committed();
  return result;
}
