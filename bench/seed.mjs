// Puts the benchmark's data into a running Backroom: schema, user and customers through the API
// (as a client would), bulk orders straight into the table Backroom created for them.
import { randomBytes, randomInt } from "node:crypto";
import PocketBase from "pocketbase";
import { openBulkInserter } from "./bulk-insert.mjs";

export const SUPERUSER = { email: "bench@backroom.test", password: "bench-superuser-password" };
export const USER = { email: "shopkeeper@backroom.test", password: "bench-user-password" };

/** The rule the baselines re-implement by hand; "deleted" is a status older rows may still carry. */
export const ORDERS_RULE = '@request.auth.id != "" && status != "deleted"';
export const STATUSES = ["new", "paid", "shipped"];

const BATCH_SIZE = 50; // POST /api/batch accepts at most 50 requests
const PARALLEL_BATCHES = 4;
const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const DAY_MS = 86_400_000;

/** A record id in PocketBase's default shape: 15 × [a-z0-9]. */
function recordId() {
  const bytes = randomBytes(15);
  let id = "";
  for (const b of bytes) id += ID_ALPHABET[b % ID_ALPHABET.length];
  return id;
}

/** PocketBase's date layout: `2024-11-10 18:45:27.123Z`. */
function pbDate(ms) {
  return new Date(ms).toISOString().replace("T", " ");
}

async function createCollections(admin) {
  const signedIn = '@request.auth.id != ""';
  const customers = await admin.collections.create({
    name: "customers",
    type: "base",
    fields: [
      { name: "name", type: "text", required: true, max: 200 },
      { name: "email", type: "email" },
    ],
    listRule: signedIn,
    viewRule: signedIn,
    createRule: signedIn,
  });
  await admin.collections.create({
    name: "orders",
    type: "base",
    fields: [
      { name: "customer", type: "relation", collectionId: customers.id, maxSelect: 1, required: true },
      { name: "status", type: "select", values: STATUSES, maxSelect: 1, required: true },
      { name: "total", type: "number", min: 0 },
      { name: "note", type: "text", max: 500 },
      { name: "created", type: "autodate", onCreate: true, onUpdate: false },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
    // What a real app would index for "recent orders" pages and "orders of a customer".
    indexes: [
      "CREATE INDEX idx_orders_created ON orders (created)",
      "CREATE INDEX idx_orders_customer ON orders (customer)",
    ],
    listRule: ORDERS_RULE,
    viewRule: ORDERS_RULE,
    createRule: signedIn,
    updateRule: ORDERS_RULE,
    deleteRule: null,
  });
}

/**
 * Customers go through POST /api/batch: exercises the write path and gives us valid relation targets.
 * Plain JSON rather than the SDK's batch helper, which sends multipart form data.
 */
async function createCustomers(admin, count) {
  const bodies = Array.from({ length: count }, (_, i) => ({
    name: `Customer ${i + 1}`,
    email: `customer${i + 1}@example.com`,
  }));
  const chunks = [];
  for (let i = 0; i < bodies.length; i += BATCH_SIZE) chunks.push(bodies.slice(i, i + BATCH_SIZE));
  const send = async (chunk) => {
    const res = await fetch(`${admin.baseURL}/api/batch`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: admin.authStore.token },
      body: JSON.stringify({
        requests: chunk.map((body) => ({ method: "POST", url: "/api/collections/customers/records", body })),
      }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST /api/batch answered ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text).map((result) => result.body.id);
  };
  const ids = [];
  for (let i = 0; i < chunks.length; i += PARALLEL_BATCHES) {
    const results = await Promise.all(chunks.slice(i, i + PARALLEL_BATCHES).map(send));
    ids.push(...results.flat());
  }
  return ids;
}

function orderRows(count, customerIds) {
  const now = Date.now();
  const seen = new Set();
  const rows = [];
  for (let i = 0; i < count; i++) {
    let id = recordId();
    while (seen.has(id)) id = recordId();
    seen.add(id);
    // Spread over the last year, a few orders a minute, newest first.
    const created = pbDate(now - Math.floor((i / count) * 365 * DAY_MS) - randomInt(60_000));
    rows.push([
      id,
      customerIds[randomInt(customerIds.length)],
      STATUSES[randomInt(STATUSES.length)],
      randomInt(100, 50_000) / 100,
      i % 4 === 0 ? `Deliver to the back door, order ${i + 1}` : "",
      created,
      created,
    ]);
  }
  return rows;
}

const ORDER_COLUMNS = ["id", "customer", "status", "total", "note", "created", "updated"];

/** Spot-checks that rows written by SQL read back through the API as the records we meant. */
async function verifyOrders(admin, user, rows) {
  const sample = rows[randomInt(rows.length)];
  const record = await user.collection("orders").getOne(sample[0]);
  for (const [i, column] of ORDER_COLUMNS.entries()) {
    if (record[column] !== sample[i]) {
      throw new Error(
        `seeded order ${sample[0]}: ${column} reads back as ${record[column]}, wrote ${sample[i]}`,
      );
    }
  }
  const page = await admin.collection("orders").getList(1, 1);
  if (page.totalItems !== rows.length) {
    throw new Error(`expected ${rows.length} orders through the API, found ${page.totalItems}`);
  }
}

/**
 * Seeds a fresh Backroom at `baseUrl` whose superuser already exists. Returns the user's token (sent
 * with every measured request) and credentials (the auth scenario), a pool of order ids for
 * scenarios that pick records at random, and the customer ids (relation targets of new orders).
 */
export async function seed({ baseUrl, connection, orders, customers, log = () => {} }) {
  const step = async (what, fn) => {
    try {
      return await fn();
    } catch (err) {
      // The SDK's errors say little by themselves; the response body says what the server disliked.
      const details = err.response ? ` ${JSON.stringify(err.response).slice(0, 500)}` : "";
      throw new Error(`seeding failed at "${what}": ${err.message}${details}`);
    }
  };
  const admin = new PocketBase(baseUrl);
  admin.autoCancellation(false);
  await step("superuser sign-in", () =>
    admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password),
  );
  // The load comes from one address far faster than the default limits allow: the benchmark
  // measures request handling, so limits are off (as a deployment behind its own limiter would be).
  await step("disable rate limits", () => admin.settings.update({ rateLimits: { enabled: false } }));
  await step("create collections", () => createCollections(admin));

  const user = new PocketBase(baseUrl);
  user.autoCancellation(false);
  await step("create user", () =>
    user.collection("users").create({ ...USER, passwordConfirm: USER.password, name: "Shopkeeper" }),
  );
  await step("user sign-in", () => user.collection("users").authWithPassword(USER.email, USER.password));

  let started = Date.now();
  const customerIds = await step("create customers", () => createCustomers(admin, customers));
  log(`${customerIds.length} customers through /api/batch in ${Date.now() - started} ms`);

  started = Date.now();
  const rows = orderRows(orders, customerIds);
  await step("insert orders", async () => {
    const inserter = await openBulkInserter(connection);
    try {
      await inserter.insert("orders", ORDER_COLUMNS, rows);
      await inserter.analyze(["orders", "customers", "users"]);
    } finally {
      await inserter.close();
    }
  });
  log(`${rows.length} orders through SQL in ${Date.now() - started} ms`);

  await step("read orders back", () => verifyOrders(admin, user, rows));

  const pool = [];
  for (let i = 0; i < Math.min(1000, rows.length); i++) pool.push(rows[randomInt(rows.length)][0]);
  return { token: user.authStore.token, orderIds: pool, customerIds, user: USER };
}

/**
 * Adds `count` more orders by SQL, `batchSize` rows per transaction (so a million rows never sit
 * in memory at once), then refreshes the planner statistics. For the list-by-table-size extra.
 */
export async function insertMoreOrders(connection, customerIds, count, { batchSize = 50_000 } = {}) {
  const inserter = await openBulkInserter(connection);
  try {
    for (let done = 0; done < count; done += batchSize) {
      await inserter.insert(
        "orders",
        ORDER_COLUMNS,
        orderRows(Math.min(batchSize, count - done), customerIds),
      );
    }
    await inserter.analyze(["orders"]);
  } finally {
    await inserter.close();
  }
}
