import { sql } from "kysely";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PG_URL, postgresAvailable } from "../../test-support/server.js";
import type { Store } from "../store.js";
import { NamedStatements } from "./named-statements.js";
import { openPostgresStore } from "./open.js";
import { PreparedPool, type PreparedStatement } from "./prepared-pool.js";

const schema = `t_named_${Date.now().toString(36)}`;

/** Names on the server for this connection (a statement without parameters is never named). */
async function prepared(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ statement: string }>(
    "SELECT statement FROM pg_prepared_statements ORDER BY prepare_time",
  );
  return rows.map((r) => r.statement);
}

describe.runIf(await postgresAvailable())("named prepared statements on the store's connections", () => {
  let admin: pg.Client;
  let pool: pg.Pool;
  let named: NamedStatements;
  let client: pg.PoolClient;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  /** One connection, so every statement of a test runs on the same one. */
  const open = async (maxNames?: number) => {
    pool = new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${schema}` });
    named = new NamedStatements(pool, maxNames === undefined ? {} : { maxNames });
    client = await pool.connect();
  };
  beforeEach(() => open());
  afterEach(async () => {
    client.release();
    await pool.end();
  });

  it("names a parameterized text from its second run on, once per connection", async () => {
    const text = "SELECT $1::int + 1 AS x";
    expect((await client.query(text, [1])).rows).toEqual([{ x: 2 }]);
    expect(await prepared(client)).toEqual([]);
    expect((await client.query(text, [2])).rows).toEqual([{ x: 3 }]);
    expect(await prepared(client)).toEqual([text]);
    expect((await client.query(text, [3])).rows).toEqual([{ x: 4 }]);
    expect(await prepared(client)).toEqual([text]);
    expect(named.named).toBe(2);
    // Texts without parameters are left to the simple protocol (BEGIN, DDL, scripts).
    await client.query("SELECT 1");
    await client.query("SELECT 1");
    expect(await prepared(client)).toEqual([text]);
  });

  it("keeps at most maxNames per connection, dropping the least recently used", async () => {
    client.release();
    await pool.end();
    await open(3);
    const texts = [1, 2, 3, 4, 5].map((n) => `SELECT $1::int * ${n} AS x`);
    for (const text of texts.slice(0, 3)) for (let i = 0; i < 2; i++) await client.query(text, [2]);
    await client.query(texts[0] as string, [2]); // the first is now the most recently used
    for (const text of texts.slice(3)) for (let i = 0; i < 2; i++) await client.query(text, [2]);
    expect((await prepared(client)).sort()).toEqual([texts[0], texts[3], texts[4]].sort());
    // Dropped texts still run, and are named again on demand.
    expect((await client.query(texts[1] as string, [7])).rows).toEqual([{ x: 14 }]);
    expect((await prepared(client)).length).toBe(3);
  });

  it("an ALTER TABLE from another connection between two reads fails no read outside a transaction", async () => {
    await client.query("CREATE TABLE t (id int PRIMARY KEY, a text)");
    await client.query("INSERT INTO t VALUES (1, 'one')");
    const text = "SELECT t.* FROM t WHERE id = $1";
    await client.query(text, [1]);
    await client.query(text, [1]);
    expect(await prepared(client)).toEqual([text]);
    await admin.query(`ALTER TABLE ${schema}.t ADD COLUMN b text DEFAULT 'bee'`);
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1, a: "one", b: "bee" }]);
    expect(named.retried).toBe(1);
    // The stale name is gone from the server; the text gets a new one on repetition.
    expect(await prepared(client)).toEqual([]);
    await client.query(text, [1]);
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1, a: "one", b: "bee" }]);
    expect(await prepared(client)).toEqual([text]);
  });

  it("inside a transaction the stale statement aborts it (no retry is possible); schemaChanged() prevents it", async () => {
    await client.query("CREATE TABLE u (id int PRIMARY KEY, a text)");
    await client.query("INSERT INTO u VALUES (1, 'one')");
    const text = "SELECT u.* FROM u WHERE id = $1";
    await client.query(text, [1]);
    await client.query(text, [1]);
    // PostgreSQL's real behaviour, which is why the store drops names on every schema change.
    await admin.query(`ALTER TABLE ${schema}.u ADD COLUMN b text`);
    await client.query("BEGIN");
    // Told to the client as a conflict to send again, with PostgreSQL's error as the cause.
    await expect(client.query(text, [1])).rejects.toMatchObject({ status: 409, cause: { code: "0A000" } });
    await client.query("ROLLBACK");
    // Afterwards the connection works again (it dropped its names after the ROLLBACK).
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1, a: "one", b: null }]);
    await client.query(text, [1]);
    expect(await prepared(client)).toEqual([text]);
    // What the registry does once it sees a schema change committed: no transaction meets it.
    await admin.query(`ALTER TABLE ${schema}.u ADD COLUMN c text DEFAULT 'c'`);
    named.schemaChanged();
    await client.query("BEGIN");
    expect((await client.query(text, [1])).rows).toEqual([{ id: 1, a: "one", b: null, c: "c" }]);
    await client.query("COMMIT");
  });

  it("leaves other uses of the client as they were: submittables, callbacks, config objects", async () => {
    const text = "SELECT $1::int AS x";
    for (let i = 0; i < 2; i++) await client.query(text, [1]);
    const viaQuery = await new Promise<unknown[]>((resolve, reject) => {
      const rows: unknown[] = [];
      const query = client.query(new pg.Query(text, [5]));
      query.on("row", (row: unknown) => rows.push(row));
      query.on("end", () => resolve(rows));
      query.on("error", reject);
    });
    expect(viaQuery).toEqual([{ x: 5 }]);
    const viaCallback = await new Promise<unknown>((resolve, reject) =>
      client.query(text, [6], (err, res) => (err ? reject(err) : resolve(res.rows))),
    );
    expect(viaCallback).toEqual([{ x: 6 }]);
    expect((await client.query({ text, values: [7] })).rows).toEqual([{ x: 7 }]);
    expect((await client.query({ name: "own", text, values: [8] })).rows).toEqual([{ x: 8 }]);
    expect((await prepared(client)).sort()).toEqual([text, text]);
  });
});

describe.runIf(await postgresAvailable())("the PostgreSQL store's named statements", () => {
  const storeSchema = `t_named_store_${Date.now().toString(36)}`;
  const stores: Store[] = [];
  const openStore = async (preparedStatements?: boolean) => {
    const store = await openPostgresStore({
      kind: "postgres",
      url: PG_URL,
      schema: storeSchema,
      poolSize: 1, // every statement on one connection, whose pg_prepared_statements the test reads
      ...(preparedStatements === undefined ? {} : { preparedStatements }),
    });
    stores.push(store);
    return store;
  };
  const names = async (store: Store) =>
    (
      await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(store.db)
    ).rows.map((r) => r.statement);
  afterAll(async () => {
    const [first] = stores;
    if (first) await sql`DROP SCHEMA IF EXISTS ${sql.id(storeSchema)} CASCADE`.execute(first.db);
    for (const store of stores) await store.close();
  });

  it("are on by default and off with preparedStatements: false", async () => {
    const on = await openStore();
    for (let i = 0; i < 3; i++) await sql`SELECT ${i}::int AS x`.execute(on.db);
    expect(await names(on)).toEqual(["SELECT $1::int AS x"]);
    const off = await openStore(false);
    for (let i = 0; i < 3; i++) await sql`SELECT ${i}::int AS x`.execute(off.db);
    expect(await names(off)).toEqual([]);
  });

  it.each([true, false])(
    "a connection lost under a statement fails only that statement (named: %s)",
    async (on) => {
      const store = await openStore(on);
      const slow = (ms: number) =>
        sql<{ pid: number }>`SELECT pg_backend_pid() AS pid, pg_sleep(${ms / 1000})`;
      await slow(1).execute(store.db);
      const { rows } = await slow(1).execute(store.db);
      if (on) expect(await names(store)).toContain("SELECT pg_backend_pid() AS pid, pg_sleep($1)");
      const inFlight = slow(3000).execute(store.db);
      const failed = expect(inFlight).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const killer = new pg.Client({ connectionString: PG_URL });
      await killer.connect();
      await killer.query("SELECT pg_terminate_backend($1)", [rows[0]?.pid]);
      await killer.end();
      await failed;
      // The next statements run on a new connection (which names the text again on its second run),
      // even though the FATAL message failed the statement before pg saw the socket close.
      const again = await slow(1).execute(store.db);
      expect(again.rows[0]?.pid).not.toBe(rows[0]?.pid);
      await slow(1).execute(store.db);
      if (on) expect(await names(store)).toContain("SELECT pg_backend_pid() AS pid, pg_sleep($1)");
    },
  );
});

describe.runIf(await postgresAvailable())("the rate limits' prepared pool", () => {
  it("names its statements unless told not to (the store's preparedStatements: false)", async () => {
    const list: PreparedStatement = {
      name: "list_prepared",
      text: "SELECT statement FROM pg_prepared_statements",
    };
    const statement: PreparedStatement = { name: "double_it", text: "SELECT $1::int * 2 AS x" };
    for (const named of [true, false]) {
      const pool = new PreparedPool(PG_URL, { max: 1, applicationName: "named test", named });
      try {
        for (let i = 0; i < 2; i++) expect(await pool.query(statement, [i])).toEqual([{ x: i * 2 }]);
        const statements = (await pool.query<{ statement: string }>(list, [])).map((r) => r.statement);
        expect(statements.sort()).toEqual(named ? [list.text, statement.text].sort() : []);
      } finally {
        await pool.end();
      }
    }
  });
});
