// Fast row inserts straight into the tables Backroom created (one table per collection, one
// column per field), for data volumes the HTTP API would take minutes to load.
import Database from "better-sqlite3";
import pg from "pg";

// PostgreSQL caps a statement at 65,535 bound parameters.
const PG_ROWS_PER_INSERT = 1000;

/** Opens the store's database beside the running server; `insert` takes rows as arrays in column order. */
export async function openBulkInserter(connection) {
  return connection.kind === "sqlite" ? openSqlite(connection.file) : openPostgres(connection);
}

const quote = (name) => `"${name.replaceAll('"', '""')}"`;

function openSqlite(file) {
  const db = new Database(file);
  // The server holds the same file open (WAL); wait for its locks instead of failing.
  db.pragma("busy_timeout = 10000");
  return {
    async insert(table, columns, rows) {
      const placeholders = columns.map(() => "?").join(", ");
      const statement = db.prepare(
        `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${placeholders})`,
      );
      db.transaction(() => {
        for (const row of rows) statement.run(row);
      })();
    },
    // Planner statistics, as a database that has been running a while would have them.
    async analyze(tables) {
      for (const table of tables) db.exec(`ANALYZE ${quote(table)}`);
    },
    async close() {
      db.close();
    },
  };
}

async function openPostgres({ url, schema }) {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  return {
    async insert(table, columns, rows) {
      await client.query("BEGIN");
      try {
        for (let start = 0; start < rows.length; start += PG_ROWS_PER_INSERT) {
          const chunk = rows.slice(start, start + PG_ROWS_PER_INSERT);
          const values = [];
          const tuples = chunk.map((row) => {
            const slots = row.map((value) => {
              values.push(value);
              return `$${values.length}`;
            });
            return `(${slots.join(", ")})`;
          });
          await client.query(
            `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES ${tuples.join(", ")}`,
            values,
          );
        }
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      }
    },
    async analyze(tables) {
      await client.query(`ANALYZE ${tables.map(quote).join(", ")}`);
    },
    async close() {
      await client.end();
    },
  };
}
