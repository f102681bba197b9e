import type { Collection } from "../collections/model.js";
import type { RecordQuery } from "../records/record-query.js";
import type { RecordValues } from "../records/row-mapping.js";
import type { ChangeClock } from "../store/store.js";

/** When a request arrived, on the store's change clock (see ChangeClock). */
export interface Arrival {
  clock: ChangeClock;
  /** `clock.started` when the request arrived, before its own look began. */
  started: number;
}

interface Entry {
  collection: Collection;
  record: RecordValues;
  epoch: number;
}

/**
 * The auth records that tokens name, read once and kept while nothing was committed to the store:
 * a signed-in client's every request would otherwise read its own record again (on SQLite a read
 * transaction of its own, a third of a get-one's reads). An entry answers only at the epoch it was
 * read at, and only for a request that a look for commits followed, so a password
 * change, a revoked token or a removed account counts for the next request exactly as without it.
 * SQLite's clock moves with its own writes and other processes' commits; PostgreSQL's with the
 * transaction snapshot read beside the version stamps (any write in the database moves it).
 */
export class AuthRecordCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number) {}

  async find(
    collection: Collection,
    id: string,
    query: RecordQuery,
    arrival: Arrival | undefined,
  ): Promise<RecordValues | undefined> {
    // No look that began after the request arrived has finished: commits it could know of may be unseen.
    if (!arrival || arrival.clock.looks <= arrival.started) return query.findOne(collection, id);
    const key = `${collection.id}/${id}`;
    // Taken before the read: a write that lands while it runs moves the epoch past the entry's.
    const epoch = arrival.clock.epoch;
    const entry = this.entries.get(key);
    if (entry && entry.epoch === epoch && entry.collection === collection) return entry.record;
    const record = await query.findOne(collection, id);
    if (!record) {
      this.entries.delete(key);
      return undefined;
    }
    // Shared by the requests it answers, so frozen: nothing may change one request's auth record
    // under another (hooks get copies of their own, see hookAuth).
    Object.freeze(record);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { collection, record, epoch });
    return record;
  }
}
