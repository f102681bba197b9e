// The baseline HTTP server: plain Fastify answering the benchmark's routes with hand-written SQL,
// the same wire shapes and the same side effects as Backroom (audit and outbox rows in the write's
// transaction), and nothing else. The two store-specific entry points (baseline-sqlite.mjs,
// baseline-postgres.mjs) pass in how to run SQL.
import { randomBytes, randomUUID } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import Fastify from "fastify";
import { authenticateByHand, signByHand } from "./baseline-jwt.mjs";

const NOT_FOUND = { status: 404, message: "The requested resource wasn't found.", data: {} };
const RECORD_URL = "/api/collections/orders/records";
const MAX_BATCH_REQUESTS = 50;
const PER_PAGE = 30;

/** Double-quoted identifiers: PostgreSQL folds unquoted ones (`tokenKey`) to lower case. */
const q = (name) => `"${name.replaceAll('"', '""')}"`;
const marks = (n) => Array(n).fill("?").join(", ");

// `?` is a parameter; `?t` one compared with text (PostgreSQL must be told its type, SQLite not).
// `?t != ''` is a rule's `@request.auth.id != ""` with the caller's id bound, as Backroom binds it.
const SQL = {
  userById: "SELECT * FROM users WHERE id = ?",
  userIdByEmail: "SELECT id FROM users WHERE email = ? LIMIT 2",
  // The orders' view/list/update rule: ORDERS_RULE in seed.mjs.
  orderVisible: "SELECT * FROM orders WHERE id = ? AND (?t != '' AND status != 'deleted') LIMIT 1",
  // The orders' create rule, checked against the new row inside the transaction.
  orderCreatable: "SELECT * FROM orders WHERE id = ? AND (?t != '') LIMIT 1",
  orderById: "SELECT * FROM orders WHERE id = ? LIMIT 1",
  // The list scenario's filter and sort, built in rather than parsed.
  listOrders: `SELECT * FROM orders WHERE (status = ? AND total > ?) AND (?t != '' AND status != 'deleted')
   ORDER BY created DESC LIMIT ${PER_PAGE}`,
  customersByIds: (n) => `SELECT * FROM customers WHERE id IN (${marks(n)})`,
  // Expanded customers pass the customers' view rule (`@request.auth.id != ""`).
  customersVisible: (n) => `SELECT * FROM customers WHERE id IN (${marks(n)}) AND (?t != '')`,
  insert: (table, columns) =>
    `INSERT INTO ${q(table)} (${columns.map(q).join(", ")}) VALUES (${marks(columns.length)})`,
  updateOrder: (columns) => `UPDATE orders SET ${columns.map((c) => `${q(c)} = ?`).join(", ")} WHERE id = ?`,
};

const AUDIT_COLUMNS = [
  "id",
  "created",
  "action",
  "collection_id",
  "collection_name",
  "record_id",
  "actor_collection",
  "actor_id",
  "changes",
  "request_id",
  "ip",
];
const OUTBOX_COLUMNS = [
  "created",
  "collection_id",
  "collection_name",
  "record_id",
  "action",
  "record",
  "previous",
];

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** A record id as Backroom makes them: 15 × [a-z0-9], uniform. */
function randomId(length = 15) {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) if (b < 252 && out.length < length) out += ID_ALPHABET[b % 36];
  }
  return out;
}
const nowDate = () => new Date().toISOString().replace("T", " ");
const canonicalEmail = (email) => email.normalize("NFKC").trim().toLowerCase();

class HttpError extends Error {
  constructor(status, message, data = {}) {
    super(message);
    this.status = status;
    this.data = data;
  }
}
const issue = (code, message) => ({ code, message });

// ---- records: decoding, the wire shape, validation ----

/** A driver row → record values in field order (booleans are 0/1 on SQLite). */
function toRecord(collection, row) {
  const record = {};
  for (const f of collection.fields) {
    const v = row[f.name];
    record[f.name] = f.type === "bool" ? Boolean(v) : f.type === "number" ? Number(v ?? 0) : (v ?? "");
  }
  return record;
}

/** The wire shape: collectionId, collectionName, then the visible fields in collection order. */
function toApi(collection, record, { self = false } = {}) {
  const out = { collectionId: collection.id, collectionName: collection.name };
  for (const f of collection.fields) {
    if (f.hidden) continue;
    if (collection.type === "auth" && (f.name === "password" || f.name === "tokenKey")) continue;
    if (collection.type === "auth" && f.name === "email" && !record.emailVisibility && !self) continue;
    out[f.name] = record[f.name];
  }
  return out;
}

const ZERO = { number: 0, bool: false };
const patterns = new Map();

/** The checks Backroom's field types make, for the field types the orders collection uses. */
function validateField(f, v) {
  if (f.type === "autodate") return null;
  if (typeof v === "string" && v.includes("\0"))
    return issue("validation_invalid_characters", "NUL characters are not allowed.");
  const required = () => (f.required ? issue("validation_required", "Missing required value.") : null);
  switch (f.type) {
    case "number":
      if (typeof v !== "number") return issue("validation_invalid_number", "Must be a valid number.");
      if (!Number.isFinite(v))
        return issue("validation_not_a_number", "The submitted number is not properly formatted.");
      if (v === 0) return required();
      if (f.onlyInt && !Number.isSafeInteger(v))
        return issue("validation_no_decimals", "Decimal numbers are not allowed.");
      if (f.min != null && v < f.min)
        return issue("validation_min_number_constraint", `Must be larger than ${f.min}.`);
      if (f.max != null && v > f.max)
        return issue("validation_max_number_constraint", `Must be less than ${f.max}.`);
      return null;
    case "select":
    case "relation":
      if (typeof v !== "string") return issue("validation_invalid_value", "Invalid value.");
      if (v === "") return required();
      if (f.type === "select" && !f.values.includes(v))
        return issue("validation_invalid_value", `Invalid value ${v}.`);
      return null;
    default: {
      // text (id included)
      if (typeof v !== "string") return issue("validation_invalid_value", "Invalid value.");
      if (v === "") return required();
      const length = [...v].length;
      if (f.min > 0 && length < f.min)
        return issue("validation_min_text_constraint", `Must be at least ${f.min} character(s).`);
      if (f.max > 0 && length > f.max)
        return issue("validation_max_text_constraint", `Must be no more than ${f.max} character(s).`);
      if (f.pattern) {
        let re = patterns.get(f.pattern);
        if (!re) {
          re = new RegExp(f.pattern);
          patterns.set(f.pattern, re);
        }
        if (!re.test(v)) return issue("validation_invalid_format", "Invalid value format.");
      }
      return null;
    }
  }
}

/** JSON values as Backroom coerces them for these field types. */
function coerce(f, raw) {
  if (f.type === "number") {
    if (raw === null || raw === undefined) return 0;
    if (typeof raw === "string")
      return raw.trim() === "" ? 0 : Number.isFinite(Number(raw)) ? Number(raw) : raw;
    return raw;
  }
  if (raw === null || raw === undefined) return "";
  if (f.type === "select" || f.type === "relation")
    return Array.isArray(raw) ? String(raw.at(-1) ?? "") : raw;
  return typeof raw === "number" || typeof raw === "boolean" ? String(raw) : raw;
}

/**
 * Applies a body to record values: known, writable fields only (the id on create; never the
 * autodates), in the body's key order, which is also the audit entry's list of changes.
 */
function applyBody(collection, body, current, isNew) {
  const values = { ...current };
  const changed = [];
  const byName = new Map(collection.fields.map((f) => [f.name, f]));
  for (const key of Object.keys(body)) {
    const f = byName.get(key);
    if (!f || f.type === "autodate" || (f.name === "id" && !isNew)) continue;
    values[key] = coerce(f, body[key]);
    changed.push(key);
  }
  return { values, changed };
}

function validateRecord(collection, values) {
  const issues = {};
  for (const f of collection.fields) {
    const problem = validateField(f, values[f.name]);
    if (problem) issues[f.name] = problem;
  }
  return issues;
}

const first = (rows) => rows[0];

/**
 * `db` provides: `collections` (describeCollections), `query(sql, params)` → rows outside any
 * transaction, and `transaction(fn)`, which calls `fn(tx)` with `tx.query` inside one
 * transaction (BEGIN IMMEDIATE on SQLite) and commits, or rolls back when fn throws.
 */
export function buildBaselineApp(db) {
  const { users, customers, orders } = db.collections;
  const orderColumns = orders.fields.map((f) => f.name);
  const app = Fastify({ logger: false, genReqId: () => randomUUID() });

  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof HttpError)
      return reply.code(err.status).send({ status: err.status, message: err.message, data: err.data });
    return reply
      .code(err.statusCode ?? 500)
      .send({ status: err.statusCode ?? 500, message: err.message, data: {} });
  });

  const findUser = async (id) => first(await db.query(SQL.userById, [id]));
  const caller = (request) => authenticateByHand(request.headers.authorization, users, findUser);
  const context = async (request) => {
    const user = await caller(request);
    return {
      authId: user?.id ?? "",
      actor: user ? { collectionName: users.name, id: user.id } : null,
      requestId: request.id,
      ip: request.ip,
    };
  };

  const audit = (tx, ctx, entry) =>
    tx.query(SQL.insert("_audit", AUDIT_COLUMNS), [
      randomId(),
      nowDate(),
      entry.action,
      entry.collection.id,
      entry.collection.name,
      entry.recordId,
      ctx.actor?.collectionName ?? "",
      ctx.actor?.id ?? "",
      JSON.stringify(entry.changes),
      ctx.requestId,
      ctx.ip,
    ]);
  const outbox = (tx, action, record, previous) =>
    tx.query(SQL.insert("_outbox", OUTBOX_COLUMNS), [
      nowDate(),
      orders.id,
      orders.name,
      record.id,
      action,
      JSON.stringify(record),
      previous ? JSON.stringify(previous) : null,
    ]);

  /** Relation values must name existing customers (inside the write's transaction). */
  async function checkCustomer(tx, values, changed, message) {
    if (!changed.includes("customer")) return;
    const rows = await tx.query(SQL.customersByIds(1), [values.customer]);
    if (rows.length !== 1) {
      throw new HttpError(400, message, {
        customer: issue(
          "validation_missing_rel_records",
          "Failed to find all relation records with the provided ids.",
        ),
      });
    }
  }

  /** Validates a new order outside the transaction; returns what the transaction needs. */
  function prepareCreate(body) {
    if (!body || typeof body !== "object" || Array.isArray(body))
      throw new HttpError(400, "Failed to create record.");
    const zero = {};
    for (const f of orders.fields) zero[f.name] = ZERO[f.type] ?? "";
    const { values, changed } = applyBody(orders, body, zero, true);
    const now = nowDate();
    for (const f of orders.fields) if (f.type === "autodate" && f.onCreate) values[f.name] = now;
    if (values.id === "") values.id = randomId();
    const issues = validateRecord(orders, values);
    if (Object.keys(issues).length > 0) throw new HttpError(400, "Failed to create record.", issues);
    return { values, changed };
  }

  /** The create's SQL: relation check, insert, create rule, read back, audit, outbox. */
  async function createIn(tx, { values, changed }, ctx) {
    await checkCustomer(tx, values, changed, "Failed to create record.");
    await tx.query(
      SQL.insert("orders", orderColumns),
      orderColumns.map((c) => values[c]),
    );
    if (!first(await tx.query(SQL.orderCreatable, [values.id, ctx.authId])))
      throw new HttpError(400, "Failed to create record.");
    const stored = toRecord(orders, first(await tx.query(SQL.orderById, [values.id])));
    await audit(tx, ctx, {
      action: "record.create",
      collection: orders,
      recordId: stored.id,
      changes: changed,
    });
    await outbox(tx, "create", stored);
    return stored;
  }

  app.get("/api/health", async () => ({ message: "API is healthy.", code: 200, data: {} }));

  // get-one: the view rule becomes part of the WHERE clause, exactly as Backroom compiles it.
  app.get(`${RECORD_URL}/:id`, async (request, reply) => {
    const row = first(await db.query(SQL.orderVisible, [request.params.id, (await context(request)).authId]));
    if (!row) return reply.code(404).send(NOT_FOUND);
    return toApi(orders, toRecord(orders, row));
  });

  // list (and list-expand): the list scenario's query is built in, not parsed; expand=customer
  // fetches the page's customers in one more query, as Backroom does per relation.
  app.get(RECORD_URL, async (request) => {
    const { authId } = await context(request);
    const records = (await db.query(SQL.listOrders, ["paid", 100, authId])).map((row) =>
      toRecord(orders, row),
    );
    const items = records.map((r) => toApi(orders, r));
    if (request.query.expand === "customer" && records.length > 0) {
      const ids = [...new Set(records.map((r) => r.customer).filter(Boolean))];
      const rows = await db.query(SQL.customersVisible(ids.length), [...ids, authId]);
      const byId = new Map(rows.map((row) => [row.id, toApi(customers, toRecord(customers, row))]));
      records.forEach((r, i) => {
        const customer = byId.get(r.customer);
        if (customer) items[i].expand = { customer };
      });
    }
    return { page: 1, perPage: PER_PAGE, totalItems: -1, totalPages: -1, items };
  });

  // graphql: the list-expand work for the graphql scenario's one fixed document, answered in
  // GraphQL's shape with the fields it selects (no parsing, no engine: the raw cost of the data).
  app.post("/api/graphql", async (request) => {
    const { authId } = await context(request);
    const records = (await db.query(SQL.listOrders, ["paid", 100, authId])).map((row) =>
      toRecord(orders, row),
    );
    const ids = [...new Set(records.map((r) => r.customer).filter(Boolean))];
    const rows = ids.length > 0 ? await db.query(SQL.customersVisible(ids.length), [...ids, authId]) : [];
    const byId = new Map(rows.map((row) => [row.id, toRecord(customers, row)]));
    const items = records.map((r) => {
      const customer = byId.get(r.customer);
      return {
        id: r.id,
        status: r.status,
        total: r.total,
        created: r.created,
        expand: { customer: customer ? { id: customer.id, name: customer.name } : null },
      };
    });
    return { data: { orders: { items } } };
  });

  // create: validation, then one transaction with the row, its audit entry and its outbox event.
  app.post(RECORD_URL, async (request) => {
    const ctx = await context(request);
    const prepared = prepareCreate(request.body);
    return toApi(orders, await db.transaction((tx) => createIn(tx, prepared, ctx)));
  });

  // update: read, update rule, validation, UPDATE of the changed columns (+ updated), read back,
  // audit and outbox (with the previous values), in one transaction.
  app.patch(`${RECORD_URL}/:id`, async (request) => {
    const ctx = await context(request);
    const body = request.body;
    if (!body || typeof body !== "object" || Array.isArray(body))
      throw new HttpError(400, "Failed to update record.");
    const id = request.params.id;
    const stored = await db.transaction(async (tx) => {
      const row = first(await tx.query(SQL.orderById, [id]));
      if (!row) throw new HttpError(404, NOT_FOUND.message);
      const current = toRecord(orders, row);
      if (!first(await tx.query(SQL.orderVisible, [id, ctx.authId])))
        throw new HttpError(404, NOT_FOUND.message);
      const { values, changed } = applyBody(orders, body, current, false);
      const now = nowDate();
      for (const f of orders.fields) if (f.type === "autodate" && f.onUpdate) values[f.name] = now;
      const issues = validateRecord(orders, values);
      if (Object.keys(issues).length > 0) throw new HttpError(400, "Failed to update record.", issues);
      await checkCustomer(tx, values, changed, "Failed to update record.");
      const columns = orders.fields
        .filter((f) => changed.includes(f.name) || (f.type === "autodate" && f.onUpdate))
        .map((f) => f.name);
      if (columns.length > 0)
        await tx.query(SQL.updateOrder(columns), [...columns.map((c) => values[c]), id]);
      const after = toRecord(orders, first(await tx.query(SQL.orderById, [id])));
      await audit(tx, ctx, { action: "record.update", collection: orders, recordId: id, changes: changed });
      await outbox(tx, "update", after, current);
      return after;
    });
    return toApi(orders, stored);
  });

  // batch: order creates only (what the batch scenario sends), all in one transaction.
  app.post("/api/batch", async (request) => {
    const list = request.body?.requests;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH_REQUESTS)
      throw new HttpError(400, "Failed to process the batch.");
    const ctx = await context(request);
    return db.transaction(async (tx) => {
      const results = [];
      for (const [i, sub] of list.entries()) {
        try {
          if (sub?.method?.toUpperCase() !== "POST" || sub.url !== RECORD_URL)
            throw new HttpError(400, "Unsupported batch request.");
          results.push({
            status: 200,
            body: toApi(orders, await createIn(tx, prepareCreate(sub.body), ctx)),
          });
        } catch (err) {
          throw new HttpError(400, "Batch transaction failed.", {
            requests: {
              [String(i)]: {
                code: "batch_request_failed",
                message: "Batch request failed.",
                response: { status: err.status ?? 500, message: err.message, data: err.data ?? {} },
              },
            },
          });
        }
      }
      return results;
    });
  });

  // auth: identity look-up, argon2id verify (a dummy hash for unknown users), audit row, a fresh
  // HS256 token signed with the user's tokenKey + the collection's secret, the record as its owner sees it.
  let dummyHash;
  app.post("/api/collections/users/auth-with-password", async (request) => {
    const ctx = await context(request);
    const { identity, password } = request.body ?? {};
    if (typeof identity !== "string" || identity === "" || typeof password !== "string" || password === "")
      throw new HttpError(400, "Failed to authenticate.");
    if (identity.length > 255 || Buffer.byteLength(password) > 1024)
      throw new HttpError(400, "Failed to authenticate.");
    const ids = await db.query(SQL.userIdByEmail, [canonicalEmail(identity)]);
    const row = ids.length === 1 ? await findUser(ids[0].id) : undefined;
    dummyHash ??= hash("baseline-dummy-password", {
      algorithm: 2,
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
    });
    const ok = await verify(row ? String(row.password) : await dummyHash, password).catch(() => false);
    const entry = { collection: users, recordId: row?.id ?? "", changes: ["password"] };
    if (!ok || !row) {
      await db.transaction((tx) =>
        audit(tx, { ...ctx, actor: null }, { ...entry, action: "auth.login_failed" }),
      );
      throw new HttpError(400, "Failed to authenticate.");
    }
    const self = { ...ctx, actor: { collectionName: users.name, id: row.id } };
    await db.transaction((tx) => audit(tx, self, { ...entry, action: "auth.login" }));
    const token = signByHand(
      {
        refreshable: true,
        id: row.id,
        type: "auth",
        collectionId: users.id,
        exp: Math.floor(Date.now() / 1000) + users.tokenDuration,
      },
      String(row.tokenKey ?? "") + users.secret,
    );
    return { token, record: toApi(users, toRecord(users, row), { self: true }) };
  });

  return app;
}

/** The collections the baseline serves, from Backroom's own catalogue rows. */
export const COLLECTIONS_SQL =
  "SELECT name, data FROM _collections WHERE name IN ('users', 'customers', 'orders')";

export function describeCollections(rows) {
  const byName = new Map(rows.map((row) => [row.name, JSON.parse(row.data)]));
  const users = byName.get("users");
  const customers = byName.get("customers");
  const orders = byName.get("orders");
  if (!users || !customers || !orders)
    throw new Error("the store has no users/customers/orders collections yet: seed it first");
  const token = users.auth?.authToken;
  if (typeof token?.secret !== "string") throw new Error("the users collection has no authToken secret");
  const describe = (c) => ({ id: c.id, name: c.name, type: c.type, fields: c.fields });
  return {
    users: { ...describe(users), secret: token.secret, tokenDuration: token.duration },
    customers: describe(customers),
    orders: describe(orders),
  };
}

/** Listens on --port and prints one line when ready (the orchestrator waits for /api/health). */
export async function listen(app, port) {
  await app.listen({ host: "127.0.0.1", port });
  process.stdout.write(`baseline listening on ${port}\n`);
  const close = () => app.close().then(() => process.exit(0));
  process.once("SIGTERM", close);
  process.once("SIGINT", close);
}
