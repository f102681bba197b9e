// The data set every peer gets: the same customers and the same kind of orders as bench/seed.mjs
// gives Backroom (statuses, totals, notes, creation times spread over the last year, newest
// first), in a neutral shape each peer module turns into its own rows.
import { randomInt, randomUUID } from "node:crypto";
import { STATUSES } from "../seed.mjs";

const DAY_MS = 86_400_000;

/** Customers as `{ name, email }`, numbered like Backroom's. */
export function customerRows(count) {
  return Array.from({ length: count }, (_, i) => ({
    name: `Customer ${i + 1}`,
    email: `customer${i + 1}@example.com`,
  }));
}

/**
 * Orders as `{ customer, status, total, note, createdMs }`, `customer` an index into the
 * customers. A few orders a minute over the last year, newest first.
 */
export function orderRows(count, customerCount) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    customer: randomInt(customerCount),
    status: STATUSES[randomInt(STATUSES.length)],
    total: randomInt(100, 50_000) / 100,
    note: i % 4 === 0 ? `Deliver to the back door, order ${i + 1}` : "",
    createdMs: now - Math.floor((i / count) * 365 * DAY_MS) - randomInt(60_000),
  }));
}

/** `count` ids picked at random from `ids` (repeats allowed): the get-one scenario's pool. */
export function samplePool(ids, count = 1000) {
  return Array.from({ length: Math.min(count, ids.length) }, () => ids[randomInt(ids.length)]);
}

/** Ids for peers whose tables take any unique string (Directus's uuid primary keys). */
export const uuid = () => randomUUID();

/** `items` in slices of `size`, each handed to `send`, `parallel` slices in flight at a time. */
export async function inChunks(items, size, parallel, send) {
  const chunks = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  const results = [];
  for (let i = 0; i < chunks.length; i += parallel) {
    results.push(...(await Promise.all(chunks.slice(i, i + parallel).map(send))));
  }
  return results;
}
