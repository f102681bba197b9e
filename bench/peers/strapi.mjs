// Strapi on SQLite: a minimal JavaScript project (config and two content types, written here)
// over the cached install, started with `strapi start` in production mode; the first admin and an
// API token through its admin API, customers through its REST API (it has no bulk create), orders
// by SQL into the tables Strapi created (the orders table and the order → customer link table).
import { randomBytes, randomInt } from "node:crypto";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { openBulkInserter } from "../bulk-insert.mjs";
import { newOrder } from "../scenarios/shared.mjs";
import { STATUSES } from "../seed.mjs";
import { inChunks, samplePool } from "./data.mjs";
import { requestJson } from "./http.mjs";

// Exact versions: a newer @strapi/strapi may name an @strapi/admin release the registry lacks yet.
// Its React peers come along with it (npm installs peer dependencies).
const PACKAGES = ["@strapi/strapi@5.54.0", "better-sqlite3@12.11.1"];
// Strapi's password policy wants upper and lower case and a digit.
const ADMIN = {
  email: "admin@example.com",
  password: "Bench-admin-password1",
  firstname: "Bench",
  lastname: "Admin",
};
const PARALLEL_CREATES = 8;
const ID_LETTERS = "abcdefghijklmnopqrstuvwxyz";
const ID_ALPHABET = `${ID_LETTERS}0123456789`;

/** A documentId in Strapi's shape: 24 × [a-z0-9], starting with a letter. */
function documentId() {
  const bytes = randomBytes(24);
  let id = ID_LETTERS[bytes[0] % ID_LETTERS.length];
  for (const b of bytes.subarray(1)) id += ID_ALPHABET[b % ID_ALPHABET.length];
  return id;
}

// Backroom's collections as Strapi content types; a relation cannot be required in Strapi, and no
// draft-and-publish (Backroom has none).
const CONTENT_TYPES = {
  customer: {
    kind: "collectionType",
    collectionName: "customers",
    info: { singularName: "customer", pluralName: "customers", displayName: "Customer" },
    options: { draftAndPublish: false },
    attributes: { name: { type: "string", required: true, maxLength: 200 }, email: { type: "email" } },
  },
  order: {
    kind: "collectionType",
    collectionName: "orders",
    info: { singularName: "order", pluralName: "orders", displayName: "Order" },
    options: { draftAndPublish: false },
    attributes: {
      customer: { type: "relation", relation: "manyToOne", target: "api::customer.customer" },
      status: { type: "enumeration", enum: STATUSES, required: true },
      total: { type: "decimal", min: 0 },
      note: { type: "text", maxLength: 500 },
    },
  },
};

// What an API token of this app may do: Backroom's rules minus `status != "deleted"`, which a token's
// permissions cannot say (Strapi is spared that filter).
const TOKEN_PERMISSIONS = [
  "api::order.order.find",
  "api::order.order.findOne",
  "api::order.order.create",
  "api::customer.customer.find",
  "api::customer.customer.create",
];

// Strapi's default middlewares minus the request logger (Backroom logs no requests either).
const MIDDLEWARES = [
  "strapi::errors",
  "strapi::security",
  "strapi::cors",
  "strapi::poweredBy",
  "strapi::query",
  "strapi::body",
  "strapi::session",
  "strapi::favicon",
  "strapi::public",
];

const secret = () => randomBytes(16).toString("base64");

function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** The project `strapi start` runs: configuration, the content types and their default API. */
function writeProject(workDir, installDir, port, database) {
  const config = (name, value) =>
    write(join(workDir, "config", `${name}.js`), `module.exports = ${JSON.stringify(value, null, 2)};\n`);
  // `strapi start` only runs in a folder whose package.json depends on @strapi/strapi.
  write(
    join(workDir, "package.json"),
    JSON.stringify({
      name: "bench-strapi",
      private: true,
      version: "0.0.0",
      dependencies: { "@strapi/strapi": "*" },
    }),
  );
  symlinkSync(join(installDir, "node_modules"), join(workDir, "node_modules"), "dir");
  config("server", {
    host: "127.0.0.1",
    port,
    app: { keys: [secret(), secret()] },
    logger: { updates: { enabled: false } },
  });
  config("admin", {
    auth: { secret: secret() },
    apiToken: { salt: secret() },
    transfer: { token: { salt: secret() } },
    secrets: { encryptionKey: secret() },
    serveAdminPanel: false,
  });
  config("database", {
    connection: { client: "sqlite", connection: { filename: database }, useNullAsDefault: true },
  });
  config("middlewares", MIDDLEWARES);
  write(join(workDir, "src", "index.js"), "module.exports = { register() {}, bootstrap() {} };\n");
  for (const [name, schema] of Object.entries(CONTENT_TYPES)) {
    const api = join(workDir, "src", "api", name);
    write(join(api, "content-types", name, "schema.json"), JSON.stringify(schema, null, 2));
    for (const [folder, factory] of [
      ["controllers", "createCoreController"],
      ["routes", "createCoreRouter"],
      ["services", "createCoreService"],
    ]) {
      write(
        join(api, folder, `${name}.js`),
        `const { factories } = require("@strapi/strapi");\nmodule.exports = factories.${factory}("api::${name}.${name}");\n`,
      );
    }
  }
  mkdirSync(join(workDir, "public", "uploads"), { recursive: true });
}

const isOrder = (body) =>
  typeof body?.data?.documentId === "string" && body.data.status ? null : "not an order";

function loads({ token, orderIds, customerIds }) {
  const headers = { authorization: `Bearer ${token}` };
  const list = new URLSearchParams({
    "filters[status][$eq]": "paid",
    "filters[total][$gt]": "100",
    sort: "createdAt:desc",
    "pagination[pageSize]": "30",
    "pagination[withCount]": "false",
  });
  return {
    "get-one": {
      headers,
      requests: [{ method: "GET", paths: orderIds.map((id) => `/api/orders/${id}`), check: isOrder }],
    },
    list: {
      headers,
      requests: [
        {
          method: "GET",
          paths: [`/api/orders?${list}`],
          check: (body) => (body?.data?.length === 30 ? null : "not a page of 30 orders"),
        },
      ],
    },
    create: {
      headers,
      requests: [
        {
          method: "POST",
          paths: ["/api/orders"],
          bodies: Array.from({ length: 100 }, (_, i) => JSON.stringify({ data: newOrder(customerIds, i) })),
          check: isOrder,
        },
      ],
    },
  };
}

/** One seeded order read back with its customer, and the count: the SQL rows are valid entries. */
async function verify(api, orders, customerDocumentIds) {
  const sample = orders[randomInt(orders.length)];
  const { data } = await api(
    "GET",
    `/api/orders/${sample.documentId}?populate[customer][fields][0]=documentId`,
  );
  const expected = { status: sample.status, total: sample.total, note: sample.note };
  for (const [field, value] of Object.entries(expected)) {
    if (data[field] !== value)
      throw new Error(`seeded order ${sample.documentId}: ${field} reads back as ${data[field]}`);
  }
  if (Date.parse(data.createdAt) !== sample.createdMs)
    throw new Error(`seeded order ${sample.documentId}: createdAt reads back as ${data.createdAt}`);
  if (data.customer?.documentId !== customerDocumentIds[sample.customer])
    throw new Error(
      `seeded order ${sample.documentId}: customer reads back as ${JSON.stringify(data.customer)}`,
    );
  const page = await api("GET", "/api/orders?pagination[pageSize]=1");
  if (page.meta.pagination.total !== orders.length)
    throw new Error(`expected ${orders.length} orders, Strapi counts ${page.meta.pagination.total}`);
}

export default {
  name: "strapi",
  store: "sqlite",
  target: 10,
  packages: PACKAGES,
  seeding: "customers through POST /api/customers (8 in flight), orders by SQL into its tables",

  async setUp({ installDir, workDir, port, data, log, spawn, waitForHealth }) {
    const version = JSON.parse(
      readFileSync(join(installDir, "node_modules/@strapi/strapi/package.json"), "utf8"),
    ).version;
    const database = join(workDir, "data.db");
    writeProject(workDir, installDir, port, database);
    const url = `http://127.0.0.1:${port}`;
    const cli = join(installDir, "node_modules", "@strapi", "strapi", "bin", "strapi.js");
    const child = spawn([cli, "start"], {
      cwd: workDir,
      env: { NODE_ENV: "production", STRAPI_TELEMETRY_DISABLED: "true" },
      label: "strapi",
    });
    await waitForHealth(child, `${url}/_health`, { timeoutMs: 180_000 });

    const registered = await requestJson(url, "POST", "/admin/register-admin", { body: ADMIN });
    const adminAuth = { authorization: `Bearer ${registered.data.token}` };
    const created = await requestJson(url, "POST", "/admin/api-tokens", {
      headers: adminAuth,
      body: {
        name: "bench",
        description: "",
        type: "custom",
        lifespan: null,
        permissions: TOKEN_PERMISSIONS,
      },
    });
    const token = created.data.accessKey;
    const api = (method, path, body) =>
      requestJson(url, method, path, { headers: { authorization: `Bearer ${token}` }, body });

    let started = Date.now();
    const customers = (
      await inChunks(data.customers, 1, PARALLEL_CREATES, ([customer]) =>
        api("POST", "/api/customers", { data: customer }),
      )
    ).map((answer) => answer.data);
    const customerIds = customers.map((c) => c.documentId);
    log(`${customers.length} customers through POST /api/customers in ${Date.now() - started} ms`);

    started = Date.now();
    const orders = data.orders.map((o) => ({ ...o, documentId: documentId() }));
    // A fresh table: rows 1…n are free, and the link rows need those ids.
    const rows = orders.map((o, i) => [
      i + 1,
      o.documentId,
      o.status,
      o.total,
      o.note,
      o.createdMs,
      o.createdMs,
      o.createdMs,
    ]);
    const links = orders.map((o, i) => [i + 1, customers[o.customer].id]);
    const inserter = await openBulkInserter({ kind: "sqlite", file: database });
    try {
      const columns = [
        "id",
        "document_id",
        "status",
        "total",
        "note",
        "created_at",
        "updated_at",
        "published_at",
      ];
      await inserter.insert("orders", columns, rows);
      await inserter.insert("orders_customer_lnk", ["order_id", "customer_id"], links);
    } finally {
      await inserter.close();
    }
    // Strapi's content types cannot declare indexes; Backroom's orders have one on their creation time.
    const db = new Database(database);
    try {
      db.pragma("busy_timeout = 10000");
      db.exec("CREATE INDEX IF NOT EXISTS bench_orders_created_at ON orders (created_at)");
      db.exec("ANALYZE");
    } finally {
      db.close();
    }
    log(`${rows.length} orders through SQL in ${Date.now() - started} ms`);
    await verify(api, orders, customerIds);

    const orderIds = samplePool(orders.map((o) => o.documentId));
    return { url, version, loads: loads({ token, orderIds, customerIds }) };
  },
};
