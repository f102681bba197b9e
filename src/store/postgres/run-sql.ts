import pg from "pg";
import { type SqlResult, SqlRunError, type SqlRunOptions, splitStatements } from "../sql-console.js";
import type { StoreConfig } from "../store.js";

// Every value as the server's text (what PocketBase's console shows), on this connection alone.
const asText = {
  getTypeParser: (() => (value: string) => value) as unknown as typeof pg.types.getTypeParser,
};

const TYPE_NAMES: Record<number, string> = {
  16: "BOOL",
  20: "INT8",
  21: "INT2",
  23: "INT4",
  25: "TEXT",
  114: "JSON",
  700: "FLOAT4",
  701: "FLOAT8",
  1043: "VARCHAR",
  1700: "NUMERIC",
  3802: "JSONB",
};

/**
 * Runs console SQL on a connection of its own, in one transaction that is READ ONLY unless writes
 * are allowed, with a statement timeout; rows are fetched through a cursor, at most `maxRows`.
 */
export async function runPostgresSql(
  config: Extract<StoreConfig, { kind: "postgres" }>,
  query: string,
  options: SqlRunOptions,
): Promise<SqlResult> {
  const statements = splitStatements(query);
  if (statements.length === 0) throw new SqlRunError("empty query");
  const client = new pg.Client({
    connectionString: config.url,
    connectionTimeoutMillis: 5000,
    types: asText,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  client.on("error", () => {});
  await client.connect();
  const started = performance.now();
  try {
    await client.query(options.allowWrites ? "BEGIN" : "BEGIN READ ONLY");
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(options.timeoutMs))}`);
    let result: Omit<SqlResult, "execTime"> = { affectedRows: 0, columns: [], rows: [] };
    for (const statement of statements) result = await runOne(client, statement, options.maxRows);
    await client.query(options.allowWrites ? "COMMIT" : "ROLLBACK");
    return { execTime: Math.round(performance.now() - started), ...result };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw new SqlRunError((err as Error).message);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A query that returns rows goes through a cursor (only `maxRows` are ever fetched); others run as they are. */
async function runOne(
  client: pg.Client,
  statement: string,
  maxRows: number,
): Promise<Omit<SqlResult, "execTime">> {
  if (/^\s*(SELECT|WITH|VALUES|TABLE)\b/i.test(statement)) {
    await client.query("SAVEPOINT console_cursor");
    let declared = false;
    try {
      await client.query(`DECLARE console_rows NO SCROLL CURSOR FOR ${statement}`);
      declared = true;
    } catch {
      // Not something a cursor takes (e.g. a data-modifying WITH): run it as it is below.
      await client.query("ROLLBACK TO SAVEPOINT console_cursor");
    }
    if (declared) {
      // A failure here (the time limit, a runtime error) is the query's own: no second run.
      const page = await client.query<unknown[]>({
        text: `FETCH ${maxRows} FROM console_rows`,
        rowMode: "array",
      });
      await client.query("CLOSE console_rows");
      await client.query("RELEASE SAVEPOINT console_cursor");
      return toResult(page);
    }
  }
  const result = await client.query<unknown[]>({ text: statement, rowMode: "array" });
  return toResult(result, maxRows);
}

function toResult(
  result: pg.QueryResult<unknown[]>,
  maxRows = Number.POSITIVE_INFINITY,
): Omit<SqlResult, "execTime"> {
  const returnsRows = result.fields.length > 0;
  return {
    affectedRows: returnsRows || result.command === "SELECT" ? 0 : (result.rowCount ?? 0),
    columns: result.fields.map((f) => ({
      name: f.name,
      type: TYPE_NAMES[f.dataTypeID] ?? "",
      nullable: true,
    })),
    rows: result.rows.slice(0, maxRows).map((row) => row.map((v) => (v === null ? null : String(v)))),
  };
}
