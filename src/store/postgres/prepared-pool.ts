import pg from "pg";

/** A statement run by name: PostgreSQL parses and plans it once per connection. */
export interface PreparedStatement {
  name: string;
  text: string;
}

/**
 * A small pool of its own for a few hot statements run as named prepared statements (planned once
 * per connection instead of on every execution, which for an upsert of a few rows is most of its
 * cost). Lost connections are dropped and replaced on the next query, as the store's pool does.
 */
export class PreparedPool {
  private readonly pool: pg.Pool;
  private readonly named: boolean;

  /** `named: false` runs the statements unnamed (the store's `preparedStatements: false`). */
  constructor(url: string, opts: { schema?: string; max: number; applicationName: string; named?: boolean }) {
    this.named = opts.named ?? true;
    this.pool = new pg.Pool({
      connectionString: url,
      max: opts.max,
      // Fail fast rather than queue: callers decide what a failure means (rate limits fail open or
      // closed), and a database that doesn't answer mustn't hold every request for seconds.
      connectionTimeoutMillis: 1000,
      query_timeout: 2000,
      application_name: opts.applicationName,
      options: `-c jit=off${opts.schema ? ` -c search_path=${opts.schema}` : ""}`,
    });
    // Without listeners, a connection lost while idle or in use would end the process.
    this.pool.on("error", () => {});
    this.pool.on("connect", (client) => client.on("error", () => {}));
  }

  async query<R extends pg.QueryResultRow>(statement: PreparedStatement, values: unknown[]): Promise<R[]> {
    const result = await this.pool.query<R>(
      this.named ? { name: statement.name, text: statement.text, values } : { text: statement.text, values },
    );
    return result.rows;
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
