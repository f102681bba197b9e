// Baseline for the PostgreSQL store: raw Fastify + pg on the schema Backroom uses.
// Usage: node bench/baseline-postgres.mjs --db <url> --schema <name> --port <port>
import { parseArgs } from "node:util";
import pg from "pg";
import { buildBaselineApp, describeCollections, listen } from "./baseline-app.mjs";

const { values } = parseArgs({
  options: { db: { type: "string" }, schema: { type: "string" }, port: { type: "string" } },
});
if (!values.db || !values.schema || !values.port) {
  throw new Error("usage: baseline-postgres.mjs --db <url> --schema <name> --port <port>");
}

// Backroom's pool size (10), so neither side wins on connection count.
const pool = new pg.Pool({
  connectionString: values.db,
  max: 10,
  options: `-c search_path=${values.schema}`,
});
pool.on("error", () => {});

const first = (result) => result.rows[0];
const collections = describeCollections(
  (await pool.query("SELECT name, data FROM _collections WHERE name IN ('users', 'orders')")).rows,
);

const app = buildBaselineApp({
  ...collections,
  findUser: async (id) => first(await pool.query("SELECT * FROM users WHERE id = $1", [id])),
  // `$2 != ''` is `@request.auth.id != ""` with the caller's id bound; the rest is ORDERS_RULE.
  findOrder: async (id, authId) =>
    first(
      await pool.query(
        "SELECT * FROM orders WHERE id = $1 AND ($2::text != '' AND status != 'deleted') LIMIT 1",
        [id, authId],
      ),
    ),
  listOrders: async (authId) =>
    (
      await pool.query(
        `SELECT * FROM orders WHERE (status = $1 AND total > $2) AND ($3::text != '' AND status != 'deleted')
         ORDER BY created DESC LIMIT 30`,
        ["paid", 100, authId],
      )
    ).rows,
});
app.addHook("onClose", () => pool.end());
await listen(app, Number(values.port));
