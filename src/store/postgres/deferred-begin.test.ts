import { Kysely, PostgresDialect, type PostgresPool, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PG_URL, postgresAvailable } from "../../test-support/server.js";
import { deferBegin } from "./deferred-begin.js";

const schema = `t_defer_${Date.now().toString(36)}`;

/** The texts each message to the server carried, in order (the real pool underneath, observed). */
function observed(pool: pg.Pool, sent: string[]): PostgresPool {
  const seen = new WeakSet<object>();
  return {
    async connect() {
      const client = await pool.connect();
      if (!seen.has(client)) {
        seen.add(client);
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        (client as { query: unknown }).query = (text: unknown, values?: unknown) => {
          sent.push(typeof text === "string" ? text : "<cursor>");
          return query(text, values);
        };
      }
      return client;
    },
    end: () => pool.end(),
  };
}

describe.runIf(await postgresAvailable())(
  "BEGIN sent with a transaction's first statement (PostgreSQL)",
  () => {
    let pool: pg.Pool;
    let db: Kysely<Record<string, never>>;
    const sent: string[] = [];

    beforeAll(async () => {
      // One connection: every statement of a test shares it, as a transaction's statements do.
      pool = new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${schema}` });
      await pool.query(`CREATE SCHEMA ${schema}`);
      await pool.query(`CREATE TABLE ${schema}.notes (id text PRIMARY KEY, n int NOT NULL)`);
      db = new Kysely({ dialect: new PostgresDialect({ pool: deferBegin(observed(pool, sent)) }) });
    });
    afterAll(async () => {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
      await db.destroy();
    });
    beforeEach(async () => {
      await sql`DELETE FROM notes`.execute(db);
      sent.length = 0;
    });

    const count = async () =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM notes`.execute(db)).rows[0]?.n);

    it("goes in one message with a first statement that has no parameters, and answers that statement", async () => {
      const rows = await db.transaction().execute(async (tx) => {
        const first = await sql<{ one: number }>`SELECT 1 AS one`.execute(tx);
        await sql`INSERT INTO notes (id, n) VALUES (${"a"}, ${1})`.execute(tx);
        return first.rows;
      });
      expect(rows).toEqual([{ one: 1 }]);
      expect(sent).toEqual([
        "begin;\nSELECT 1 AS one",
        "INSERT INTO notes (id, n) VALUES ($1, $2)",
        "commit",
      ]);
      expect(await count()).toBe(1);
    });

    it("opens a real transaction: a rollback after a combined first statement undoes the writes", async () => {
      await expect(
        db.transaction().execute(async (tx) => {
          await sql`INSERT INTO notes (id, n) VALUES ('b', 2)`.execute(tx);
          await sql`INSERT INTO notes (id, n) VALUES (${"c"}, ${3})`.execute(tx);
          throw new Error("changed my mind");
        }),
      ).rejects.toThrow("changed my mind");
      expect(sent[0]).toBe("begin;\nINSERT INTO notes (id, n) VALUES ('b', 2)");
      expect(await count()).toBe(0);
    });

    it("is sent on its own before a first statement with parameters, which then runs in the transaction", async () => {
      await expect(
        db.transaction().execute(async (tx) => {
          await sql`INSERT INTO notes (id, n) VALUES (${"d"}, ${4})`.execute(tx);
          throw new Error("undo");
        }),
      ).rejects.toThrow("undo");
      expect(sent.slice(0, 2)).toEqual(["begin", "INSERT INTO notes (id, n) VALUES ($1, $2)"]);
      expect(await count()).toBe(0);
    });

    it("leaves the connection usable after a failing first statement", async () => {
      await expect(
        db.transaction().execute(async (tx) => {
          await sql`SELECT * FROM no_such_table`.execute(tx);
        }),
      ).rejects.toThrow(/no_such_table/);
      expect(sent.at(-1)).toBe("rollback");
      await db.transaction().execute(async (tx) => {
        await sql`INSERT INTO notes (id, n) VALUES ('e', 5)`.execute(tx);
      });
      expect(await count()).toBe(1);
    });

    it("sends nothing for a transaction that ran no statement", async () => {
      await db.transaction().execute(async () => {});
      await expect(
        db.transaction().execute(async () => {
          throw new Error("nothing done");
        }),
      ).rejects.toThrow("nothing done");
      expect(sent).toEqual([]);
      // The server agrees that no transaction is left open on the connection.
      const { rows } = await sql<{ open: boolean }>`SELECT now() <> statement_timestamp() AS open`.execute(
        db,
      );
      expect(rows[0]?.open).toBe(false);
    });

    it("answers a first text of several statements with each statement's result, BEGIN's left out", async () => {
      // A pool of its own: the one above is already wrapped.
      const own = new pg.Pool({ connectionString: PG_URL, max: 1 });
      const client = await deferBegin(observed(own, sent)).connect();
      try {
        await client.query("begin", []);
        const results = (await client.query(
          "SELECT 1 AS a; SELECT 2 AS b",
          [],
        )) as unknown as pg.QueryResult[];
        await client.query("commit", []);
        expect(results.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
        expect(sent).toEqual(["begin;\nSELECT 1 AS a; SELECT 2 AS b", "commit"]);
      } finally {
        client.release();
        await own.end();
      }
    });
  },
);
