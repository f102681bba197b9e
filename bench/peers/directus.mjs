// Directus on SQLite: bootstrapped by its CLI, the schema, a role and a user through its REST API,
// customers through its bulk items API, orders by SQL into the table Directus created.
import { randomBytes, randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openBulkInserter } from "../bulk-insert.mjs";
import { newOrder } from "../scenarios/shared.mjs";
import { STATUSES } from "../seed.mjs";
import { inChunks, samplePool, uuid } from "./data.mjs";
import { requestJson } from "./http.mjs";

// The last minor of Directus 11 that supports Node 20 (11.4 and later require Node 22).
const PACKAGES = ["directus@11.3.5"];
const ADMIN = { email: "admin@example.com", password: "bench-admin-password" };
const USER = { email: "shopkeeper@example.com", password: "bench-user-password" };
const CUSTOMERS_PER_REQUEST = 500;

const json = (value) => JSON.stringify(value);
const uuidField = { field: "id", type: "uuid", meta: { special: ["uuid"], hidden: true } };

// Backroom's collections in Directus terms: uuid keys (Backroom's are random strings too), the
// select's values and the total's minimum as validation rules, indexes on customer and created.
const CUSTOMERS = {
  collection: "customers",
  schema: {},
  meta: {},
  fields: [
    { ...uuidField, schema: { is_primary_key: true, length: 36, has_auto_increment: false } },
    {
      field: "name",
      type: "string",
      meta: { required: true },
      schema: { max_length: 200, is_nullable: false },
    },
    { field: "email", type: "string", meta: {}, schema: {} },
  ],
};
const ORDERS = {
  collection: "orders",
  schema: {},
  meta: {},
  fields: [
    { ...uuidField, schema: { is_primary_key: true, length: 36, has_auto_increment: false } },
    {
      field: "customer",
      type: "uuid",
      meta: { required: true, special: ["m2o"] },
      schema: { is_nullable: false, is_indexed: true },
    },
    {
      field: "status",
      type: "string",
      meta: { required: true, validation: { status: { _in: STATUSES } } },
      schema: { is_nullable: false },
    },
    { field: "total", type: "float", meta: { validation: { total: { _gte: 0 } } }, schema: {} },
    { field: "note", type: "text", meta: {}, schema: {} },
    {
      field: "date_created",
      type: "timestamp",
      meta: { special: ["date-created"] },
      schema: { is_indexed: true },
    },
    {
      field: "date_updated",
      type: "timestamp",
      meta: { special: ["date-created", "date-updated"] },
      schema: {},
    },
  ],
};
const ORDER_COLUMNS = ["id", "customer", "status", "total", "note", "date_created", "date_updated"];

/** Backroom's order rules as a Directus policy: read what is not deleted, create, read customers. */
function permissions(policy) {
  return [
    {
      policy,
      collection: "orders",
      action: "read",
      fields: ["*"],
      permissions: { status: { _neq: "deleted" } },
    },
    { policy, collection: "orders", action: "create", fields: ["*"], permissions: {} },
    { policy, collection: "customers", action: "read", fields: ["*"], permissions: {} },
  ];
}

const isOrder = (body) => (typeof body?.data?.id === "string" && body.data.status ? null : "not an order");

function loads({ token, orderIds, customerIds }) {
  const headers = { authorization: `Bearer ${token}` };
  const list = new URLSearchParams({
    "filter[status][_eq]": "paid",
    "filter[total][_gt]": "100",
    sort: "-date_created",
    limit: "30",
  });
  return {
    "get-one": {
      headers,
      requests: [{ method: "GET", paths: orderIds.map((id) => `/items/orders/${id}`), check: isOrder }],
    },
    list: {
      headers,
      requests: [
        {
          method: "GET",
          paths: [`/items/orders?${list}`],
          check: (body) => (body?.data?.length === 30 ? null : "not a page of 30 orders"),
        },
      ],
    },
    create: {
      headers,
      requests: [
        {
          method: "POST",
          paths: ["/items/orders"],
          bodies: Array.from({ length: 100 }, (_, i) => json(newOrder(customerIds, i))),
          check: isOrder,
        },
      ],
    },
  };
}

/** Reads one seeded order back through the API and counts them all: the SQL rows are valid items. */
async function verify(url, admin, user, rows) {
  const sample = rows[randomInt(rows.length)];
  const { data } = await requestJson(url, "GET", `/items/orders/${sample[0]}`, { headers: user });
  const stored = [data.id, data.customer, data.status, data.total, data.note, Date.parse(data.date_created)];
  for (const [i, value] of stored.entries()) {
    if (value !== sample[i])
      throw new Error(`seeded order ${sample[0]}: ${ORDER_COLUMNS[i]} reads back as ${value}`);
  }
  const count = await requestJson(url, "GET", "/items/orders?aggregate[count]=*", { headers: admin });
  if (Number(count.data[0].count) !== rows.length)
    throw new Error(`expected ${rows.length} orders, Directus counts ${json(count.data)}`);
}

export default {
  name: "directus",
  store: "sqlite",
  target: 10,
  packages: PACKAGES,
  seeding: "customers through the bulk items API (500 per request), orders by SQL into its table",

  async setUp({ installDir, workDir, port, data, log, spawn, run, waitForHealth }) {
    const cli = join(installDir, "node_modules", "directus", "cli.js");
    const version = JSON.parse(
      readFileSync(join(installDir, "node_modules/directus/package.json"), "utf8"),
    ).version;
    const url = `http://127.0.0.1:${port}`;
    const adminToken = randomBytes(24).toString("hex");
    const env = {
      DB_CLIENT: "sqlite3",
      DB_FILENAME: join(workDir, "data.db"),
      KEY: randomBytes(16).toString("hex"),
      SECRET: randomBytes(32).toString("hex"),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ADMIN_TOKEN: adminToken,
      HOST: "127.0.0.1",
      PORT: String(port),
      PUBLIC_URL: url,
      TELEMETRY: "false",
      // Its per-request log lines would cost it time Backroom does not spend (Backroom logs no requests).
      LOG_LEVEL: "warn",
      // The user's token must outlive a full run (the default is 15 minutes).
      ACCESS_TOKEN_TTL: "1d",
      STORAGE_LOCAL_ROOT: join(workDir, "uploads"),
      EXTENSIONS_PATH: join(workDir, "extensions"),
    };
    await run([cli, "bootstrap"], { cwd: workDir, env, label: "directus bootstrap", timeoutMs: 120_000 });
    const child = spawn([cli, "start"], { cwd: workDir, env, label: "directus" });
    await waitForHealth(child, `${url}/server/health`, { timeoutMs: 120_000 });

    const admin = { authorization: `Bearer ${adminToken}` };
    const api = (method, path, body, headers = admin) => requestJson(url, method, path, { headers, body });
    await api("POST", "/collections", CUSTOMERS);
    await api("POST", "/collections", ORDERS);
    await api("POST", "/relations", {
      collection: "orders",
      field: "customer",
      related_collection: "customers",
    });
    const policy = await api("POST", "/policies", { name: "Shop", app_access: false, admin_access: false });
    await api("POST", "/permissions", permissions(policy.data.id));
    const role = await api("POST", "/roles", { name: "Shop", policies: [{ policy: policy.data.id }] });
    await api("POST", "/users", { ...USER, role: role.data.id });
    const login = await api("POST", "/auth/login", USER, {});
    const token = login.data.access_token;

    let started = Date.now();
    const customers = data.customers.map((c) => ({ id: uuid(), ...c }));
    await inChunks(customers, CUSTOMERS_PER_REQUEST, 1, (chunk) => api("POST", "/items/customers", chunk));
    const customerIds = customers.map((c) => c.id);
    log(`${customers.length} customers through POST /items/customers in ${Date.now() - started} ms`);

    started = Date.now();
    const rows = data.orders.map((o) => [
      uuid(),
      customerIds[o.customer],
      o.status,
      o.total,
      o.note,
      o.createdMs,
      o.createdMs,
    ]);
    const inserter = await openBulkInserter({ kind: "sqlite", file: env.DB_FILENAME });
    try {
      await inserter.insert("orders", ORDER_COLUMNS, rows);
      await inserter.analyze(["orders", "customers"]);
    } finally {
      await inserter.close();
    }
    log(`${rows.length} orders through SQL in ${Date.now() - started} ms`);
    await verify(url, admin, { authorization: `Bearer ${token}` }, rows);

    const orderIds = samplePool(rows.map((r) => r[0]));
    return { url, version, loads: loads({ token, orderIds, customerIds }) };
  },
};
