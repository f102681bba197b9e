// Baseline for the PostgreSQL store: raw Fastify + pg on the schema Backroom uses.
// Usage: node bench/baseline-postgres.mjs --db <url> --schema <name> --port <port>
import { parseArgs } from "node:util";
import pg from "pg";
import { buildBaselineApp, COLLECTIONS_SQL, describeCollections, listen } from "./baseline-app.mjs";

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

// `?` → `$n`, `?t` → `$n::text`; converted once per statement text.
const texts = new Map();
function pgText(sql) {
  let text = texts.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?t|\?/g, (mark) => `$${++n}${mark === "?t" ? "::text" : ""}`);
    texts.set(sql, text);
  }
  return text;
}
const run = async (client, sql, params) => (await client.query(pgText(sql), params)).rows;

async function transaction(fn) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn({ query: (sql, params) => run(client, sql, params) });
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

const app = buildBaselineApp({
  collections: describeCollections((await pool.query(COLLECTIONS_SQL)).rows),
  query: (sql, params) => run(pool, sql, params),
  transaction,
});
app.addHook("onClose", () => pool.end());
await listen(app, Number(values.port));
