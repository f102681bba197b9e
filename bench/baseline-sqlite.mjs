// Baseline for the SQLite store: raw Fastify + better-sqlite3 on the same data.db Backroom uses.
// Usage: node bench/baseline-sqlite.mjs --file <data.db> --port <port>
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { buildBaselineApp, COLLECTIONS_SQL, describeCollections, listen } from "./baseline-app.mjs";

const { values } = parseArgs({ options: { file: { type: "string" }, port: { type: "string" } } });
if (!values.file || !values.port)
  throw new Error("usage: baseline-sqlite.mjs --file <data.db> --port <port>");

const sqlite = new Database(values.file);
// The same connection settings Backroom uses, so the comparison is about the code above SQLite.
sqlite.pragma("journal_mode = WAL");
sqlite.pragma("synchronous = NORMAL");
sqlite.pragma("foreign_keys = ON");
sqlite.pragma("busy_timeout = 10000");
sqlite.pragma("temp_store = MEMORY");

// Each statement prepared once, on first use.
const statements = new Map();
function query(sql, params) {
  let statement = statements.get(sql);
  if (!statement) {
    statement = sqlite.prepare(sql.replaceAll("?t", "?"));
    statements.set(sql, statement);
  }
  if (statement.reader) return statement.all(params);
  statement.run(params);
  return [];
}

// One connection: transactions take turns (BEGIN IMMEDIATE, like Backroom's), while their
// statements run synchronously in between the awaits of the route code.
let queue = Promise.resolve();
function transaction(fn) {
  const run = queue.then(async () => {
    sqlite.exec("BEGIN IMMEDIATE");
    try {
      const result = await fn({ query: async (sql, params) => query(sql, params) });
      sqlite.exec("COMMIT");
      return result;
    } catch (err) {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      throw err;
    }
  });
  queue = run.catch(() => {});
  return run;
}

const app = buildBaselineApp({
  collections: describeCollections(sqlite.prepare(COLLECTIONS_SQL).all()),
  query: async (sql, params) => query(sql, params),
  transaction,
});
await listen(app, Number(values.port));
