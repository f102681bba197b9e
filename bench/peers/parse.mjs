// Parse Server on PostgreSQL (a fresh database, dropped at the end): started by its CLI from a
// config file, classes and a user through its REST API, customers through its batch API,
// orders by SQL into the table Parse created.
import { randomBytes, randomInt } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { openBulkInserter } from "../bulk-insert.mjs";
import { newOrder } from "../scenarios/shared.mjs";
import { PG_URL } from "../stores.mjs";
import { inChunks, samplePool } from "./data.mjs";
import { requestJson } from "./http.mjs";

// router 2.3 changed what its Layer.match leaves behind, which breaks Parse Server 9.10's batch
// route (it reads the old field): pinned to the last router release it works with.
const PACKAGES = ["parse-server@9.10.0", "router@2.2.0"];
const USER = { username: "shopkeeper", email: "shopkeeper@example.com", password: "bench-user-password" };
const APP_ID = "bench";
const MOUNT = "/parse";
const BATCH_SIZE = 50;
const PARALLEL_BATCHES = 4;
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** An objectId in Parse's shape: 10 × [A-Za-z0-9]. */
function objectId() {
  let id = "";
  for (const b of randomBytes(10)) id += ID_ALPHABET[b % ID_ALPHABET.length];
  return id;
}

// Signed-in users may find, get and create; nobody else may do anything (Backroom's rules minus
// `status != "deleted"`, which class-level permissions cannot say: Parse is spared that filter).
const SIGNED_IN = { requiresAuthentication: true };
const CLASS_PERMISSIONS = {
  find: SIGNED_IN,
  get: SIGNED_IN,
  count: SIGNED_IN,
  create: SIGNED_IN,
  update: {},
  delete: {},
  addField: {},
  protectedFields: {},
};
const CUSTOMER_CLASS = {
  className: "Customer",
  fields: { name: { type: "String", required: true }, email: { type: "String" } },
  classLevelPermissions: CLASS_PERMISSIONS,
};
const ORDER_CLASS = {
  className: "Order",
  fields: {
    customer: { type: "Pointer", targetClass: "Customer", required: true },
    status: { type: "String", required: true },
    total: { type: "Number" },
    note: { type: "String" },
  },
  indexes: { order_created: { createdAt: 1 }, order_customer: { customer: 1 } },
  classLevelPermissions: CLASS_PERMISSIONS,
};
const ORDER_COLUMNS = ["objectId", "customer", "status", "total", "note", "createdAt", "updatedAt"];

const isOrder = (body) => (typeof body?.objectId === "string" && body.status ? null : "not an order");

function loads({ session, orderIds, customerIds }) {
  const headers = { "x-parse-application-id": APP_ID, "x-parse-session-token": session };
  const list = new URLSearchParams({
    where: JSON.stringify({ status: "paid", total: { $gt: 100 } }),
    order: "-createdAt",
    limit: "30",
  });
  const pointer = (id) => ({ __type: "Pointer", className: "Customer", objectId: id });
  return {
    "get-one": {
      headers,
      requests: [
        { method: "GET", paths: orderIds.map((id) => `${MOUNT}/classes/Order/${id}`), check: isOrder },
      ],
    },
    list: {
      headers,
      requests: [
        {
          method: "GET",
          paths: [`${MOUNT}/classes/Order?${list}`],
          check: (body) => (body?.results?.length === 30 ? null : "not a page of 30 orders"),
        },
      ],
    },
    create: {
      headers,
      requests: [
        {
          method: "POST",
          paths: [`${MOUNT}/classes/Order`],
          bodies: Array.from({ length: 100 }, (_, i) => {
            const order = newOrder(customerIds, i);
            return JSON.stringify({ ...order, customer: pointer(order.customer) });
          }),
          // Parse answers a create with the new id and time only.
          check: (body) => (typeof body?.objectId === "string" ? null : "no objectId"),
        },
      ],
    },
  };
}

/** A database of its own on the benchmark's PostgreSQL server; `drop` removes it. */
async function createDatabase() {
  const name = `bench_parse_${randomBytes(6).toString("hex")}`;
  const admin = async (sql) => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end().catch(() => {});
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

async function verify(api, user, master, rows) {
  const sample = rows[randomInt(rows.length)];
  const order = await api("GET", `/classes/Order/${sample[0]}`, undefined, user);
  const stored = [order.objectId, order.customer?.objectId, order.status, order.total, order.note];
  for (const [i, value] of stored.entries()) {
    if (value !== sample[i])
      throw new Error(`seeded order ${sample[0]}: ${ORDER_COLUMNS[i]} reads back as ${value}`);
  }
  if (Date.parse(order.createdAt) !== sample[5].getTime())
    throw new Error(`seeded order ${sample[0]}: createdAt reads back as ${order.createdAt}`);
  const { count } = await api("GET", "/classes/Order?count=1&limit=0", undefined, master);
  if (count !== rows.length) throw new Error(`expected ${rows.length} orders, Parse counts ${count}`);
}

export default {
  name: "parse",
  store: "postgres",
  target: 3.5,
  packages: PACKAGES,
  seeding: "customers through POST /parse/batch (50 per batch), orders by SQL into its table",

  async setUp({ installDir, workDir, port, data, log, spawn, waitForHealth, onCleanup }) {
    const version = JSON.parse(
      readFileSync(join(installDir, "node_modules/parse-server/package.json"), "utf8"),
    ).version;
    const database = await createDatabase();
    onCleanup(database.drop);
    const url = `http://127.0.0.1:${port}`;
    const masterKey = randomBytes(24).toString("hex");
    const config = join(workDir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        appId: APP_ID,
        masterKey,
        databaseURI: database.url,
        host: "127.0.0.1",
        port,
        mountPath: MOUNT,
        serverURL: `${url}${MOUNT}`,
        // Backroom writes no log per request; Parse logs to files by default.
        logsFolder: null,
        logLevel: "error",
        allowClientClassCreation: false,
      }),
    );
    const cli = join(installDir, "node_modules", "parse-server", "bin", "parse-server");
    const child = spawn([cli, config], { cwd: workDir, label: "parse-server" });
    await waitForHealth(child, `${url}${MOUNT}/health`, { timeoutMs: 120_000 });

    const master = { "x-parse-application-id": APP_ID, "x-parse-master-key": masterKey };
    const api = (method, path, body, headers) => requestJson(url, method, MOUNT + path, { headers, body });
    await api("POST", "/schemas/Customer", CUSTOMER_CLASS, master);
    await api("POST", "/schemas/Order", ORDER_CLASS, master);
    await api("POST", "/users", USER, { "x-parse-application-id": APP_ID });
    const { sessionToken } = await api(
      "POST",
      "/login",
      { username: USER.username, password: USER.password },
      { "x-parse-application-id": APP_ID },
    );

    let started = Date.now();
    const results = await inChunks(data.customers, BATCH_SIZE, PARALLEL_BATCHES, (chunk) =>
      api(
        "POST",
        "/batch",
        { requests: chunk.map((body) => ({ method: "POST", path: `${MOUNT}/classes/Customer`, body })) },
        master,
      ),
    );
    const customerIds = results.flat().map((r) => {
      if (!r.success) throw new Error(`a customer was not created: ${JSON.stringify(r.error)}`);
      return r.success.objectId;
    });
    log(`${customerIds.length} customers through POST ${MOUNT}/batch in ${Date.now() - started} ms`);

    started = Date.now();
    const seen = new Set();
    const rows = data.orders.map((o) => {
      let id = objectId();
      while (seen.has(id)) id = objectId();
      seen.add(id);
      const created = new Date(o.createdMs);
      return [id, customerIds[o.customer], o.status, o.total, o.note, created, created];
    });
    const inserter = await openBulkInserter({ kind: "postgres", url: database.url, schema: "public" });
    try {
      await inserter.insert("Order", ORDER_COLUMNS, rows);
      await inserter.analyze(["Order", "Customer", "_User", "_Session"]);
    } finally {
      await inserter.close();
    }
    log(`${rows.length} orders through SQL in ${Date.now() - started} ms`);
    await verify(
      api,
      { "x-parse-application-id": APP_ID, "x-parse-session-token": sessionToken },
      master,
      rows,
    );

    const orderIds = samplePool(rows.map((r) => r[0]));
    return { url, version, loads: loads({ session: sessionToken, orderIds, customerIds }) };
  },
};
