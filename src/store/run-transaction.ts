import type { Db } from "./store.js";
import type { StoreHealth } from "./store-health.js";

/**
 * Runs `fn` in one transaction (nested calls reuse the open one). When `fn` fails, its error is
 * the one the caller gets, even if the ROLLBACK that follows fails too: on a lost connection the
 * ROLLBACK can only fail, and an error about the rollback would hide what really happened.
 */
export async function runTransaction<T>(db: Db, health: StoreHealth, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  let failed: { err: unknown } | undefined;
  try {
    const result = await db.transaction().execute(async (tx) => {
      try {
        return await fn(tx);
      } catch (err) {
        failed = { err };
        throw err;
      }
    });
    health.wrote();
    return result;
  } catch (err) {
    throw failed ? failed.err : err;
  }
}
