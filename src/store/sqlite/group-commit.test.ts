import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { CompiledQuery, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db, Store } from "../store.js";
import { openSqliteStore } from "./open.js";

const insert = (db: Db, id: string) => sql`INSERT INTO notes (id) VALUES (${id})`.execute(db);

describe("SQLite group commit", () => {
  let dir: string;
  let file: string;
  let store: Store;
  let commits: number;
  let stopListening: () => void;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "backroom-group-commit-"));
    file = join(dir, "data.db");
    store = openSqliteStore(file);
    await store.db.executeQuery(CompiledQuery.raw("CREATE TABLE notes (id TEXT PRIMARY KEY)"));
    commits = 0;
    stopListening = store.queries.listen((q) => {
      if (/^commit$/i.test(q.sql.trim())) commits++;
    });
  });

  afterEach(async () => {
    stopListening();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The ids in the file as another connection sees them: committed rows only. */
  function committedIds(): string[] {
    const other = new Database(file, { readonly: true });
    try {
      return (other.prepare("SELECT id FROM notes ORDER BY id").all() as { id: string }[]).map((r) => r.id);
    } finally {
      other.close();
    }
  }

  it("transactions asked for in one turn share one commit; a failing one is rolled back alone", async () => {
    const outcomes = await Promise.allSettled([
      store.transaction(async (tx) => {
        await insert(tx, "a");
        return "a done";
      }),
      store.transaction(async (tx) => {
        await insert(tx, "b");
        await insert(tx, "a"); // a constraint failure after a write of its own
      }),
      store.transaction(async (tx) => {
        await insert(tx, "c");
        return "c done";
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(outcomes[0]).toMatchObject({ value: "a done" });
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(committedIds()).toEqual(["a", "c"]);
    expect(commits).toBe(1);
  });

  it("answers a member only once the shared commit is in the file", async () => {
    const seen: string[][] = [];
    await Promise.all(
      ["a", "b", "c"].map((id) =>
        store.transaction((tx) => insert(tx, id)).then(() => seen.push(committedIds())),
      ),
    );
    expect(seen).toEqual([
      ["a", "b", "c"],
      ["a", "b", "c"],
      ["a", "b", "c"],
    ]);
  });

  it("when SQLite drops the whole transaction, the members run so far fail and the rest commit apart", async () => {
    const outcomes = await Promise.allSettled([
      store.transaction((tx) => insert(tx, "a")),
      store.transaction(async (tx) => {
        await insert(tx, "b");
        // What SQLite does by itself after SQLITE_FULL or SQLITE_IOERR: the transaction is gone.
        await sql`ROLLBACK`.execute(tx);
        throw new Error("disk full");
      }),
      store.transaction((tx) => insert(tx, "c")),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "fulfilled"]);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/disk full/);
    expect(committedIds()).toEqual(["c"]);
    // Nothing is left open: the next transaction and reads on the spot work.
    await store.transaction((tx) => insert(tx, "d"));
    expect(committedIds()).toEqual(["c", "d"]);
  });

  it("nested savepoints inside a member work, and a member's result is its own", async () => {
    const [x, y] = await Promise.all([
      store.transaction(async (tx) => {
        await insert(tx, "x");
        await sql`SAVEPOINT inner_work`.execute(tx);
        await insert(tx, "x2");
        await sql`ROLLBACK TO SAVEPOINT inner_work`.execute(tx);
        await sql`RELEASE SAVEPOINT inner_work`.execute(tx);
        return 1;
      }),
      store.transaction(async (tx) => {
        await insert(tx, "y");
        return 2;
      }),
    ]);
    expect([x, y]).toEqual([1, 2]);
    expect(committedIds()).toEqual(["x", "y"]);
    expect(commits).toBe(1);
  });
});
