// Pieces the scenarios share: request bodies of new orders and the checks of a good answer.
import { STATUSES } from "../seed.mjs";

export const ORDERS = "/api/collections/orders/records";

/** How many different bodies a write scenario rotates through (values vary per request anyway). */
const BODY_VARIANTS = 100;

/**
 * A new order as a client would send it: a real customer, a valid status and total, and a note
 * whose `__RAND__` the load generator replaces per request.
 */
export function newOrder(customerIds, i) {
  return {
    customer: customerIds[i % customerIds.length],
    status: STATUSES[i % STATUSES.length],
    total: Math.round(((i * 7919) % 50_000) + 100) / 100,
    note: `Bench order ${i} __RAND__`,
  };
}

export function createBodies(customerIds) {
  return Array.from({ length: BODY_VARIANTS }, (_, i) => JSON.stringify(newOrder(customerIds, i)));
}

export const isOrder = (body) =>
  typeof body?.id === "string" && body.collectionName === "orders" ? null : "not an order record";

export const isFullPage = (body) =>
  Array.isArray(body?.items) && body.items.length === 30 && body.totalItems === -1
    ? null
    : "not a full page of 30 items with totalItems -1";
