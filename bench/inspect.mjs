// Reads the side effects of a request straight from the store: the audit entries and outbox
// events written since a mark. The parity check uses it to hold the baseline to Backroom's writes.
import Database from "better-sqlite3";
import pg from "pg";

const nowDate = () => new Date().toISOString().replace("T", " ");

export async function openInspector(connection) {
  if (connection.kind === "sqlite") {
    const db = new Database(connection.file, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 10000");
    return inspector(
      async (sql, params) => db.prepare(sql.replace(/\$\d+/g, "?")).all(params),
      async () => db.close(),
    );
  }
  const client = new pg.Client({
    connectionString: connection.url,
    options: `-c search_path=${connection.schema}`,
  });
  await client.connect();
  return inspector(
    async (sql, params) => (await client.query(sql, params)).rows,
    () => client.end(),
  );
}

function inspector(query, close) {
  return {
    /** Where the audit log and the outbox stand now. */
    async mark() {
      const [row] = await query("SELECT COALESCE(MAX(seq), 0) AS seq FROM _outbox", []);
      return { seq: Number(row.seq), at: nowDate() };
    },
    /** Audit entries and outbox events written since `mark` (by anyone: call it when idle). */
    async since(mark) {
      return {
        audit: await query("SELECT * FROM _audit WHERE created >= $1 ORDER BY created", [mark.at]),
        outbox: await query("SELECT * FROM _outbox WHERE seq > $1 ORDER BY seq", [mark.seq]),
      };
    },
    close,
  };
}
