// Baseline for the SQLite store: raw Fastify + better-sqlite3 on the same data.db Backroom uses.
// Usage: node bench/baseline-sqlite.mjs --file <data.db> --port <port>
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { buildBaselineApp, describeCollections, listen } from "./baseline-app.mjs";

const { values } = parseArgs({ options: { file: { type: "string" }, port: { type: "string" } } });
if (!values.file || !values.port)
  throw new Error("usage: baseline-sqlite.mjs --file <data.db> --port <port>");

const sqlite = new Database(values.file);
// The same connection settings Backroom uses, so the comparison is about the code above SQLite.
sqlite.pragma("journal_mode = WAL");
sqlite.pragma("synchronous = NORMAL");
sqlite.pragma("busy_timeout = 10000");
sqlite.pragma("temp_store = MEMORY");

const collections = describeCollections(
  sqlite.prepare("SELECT name, data FROM _collections WHERE name IN ('users', 'orders')").all(),
);
const findUser = sqlite.prepare("SELECT * FROM users WHERE id = ?");
// `? != ''` is `@request.auth.id != ""` with the caller's id bound; the rest is ORDERS_RULE.
const findOrder = sqlite.prepare(
  "SELECT * FROM orders WHERE id = ? AND (? != '' AND status != 'deleted') LIMIT 1",
);
const listOrders = sqlite.prepare(
  `SELECT * FROM orders WHERE (status = ? AND total > ?) AND (? != '' AND status != 'deleted')
   ORDER BY created DESC LIMIT 30`,
);

const app = buildBaselineApp({
  ...collections,
  findUser: async (id) => findUser.get(id),
  findOrder: async (id, authId) => findOrder.get(id, authId),
  listOrders: async (authId) => listOrders.all("paid", 100, authId),
});
await listen(app, Number(values.port));
