import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompiledQuery } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../store.js";
import { openSqliteStore } from "./open.js";

const selectAll = CompiledQuery.raw("SELECT id FROM notes ORDER BY id");

describe("SQLite reads on the spot (store.readNow)", () => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "backroom-readnow-"));
    store = openSqliteStore(join(dir, "data.db"));
    await store.db.executeQuery(CompiledQuery.raw("CREATE TABLE notes (id TEXT PRIMARY KEY)"));
    await store.db.executeQuery(CompiledQuery.raw("INSERT INTO notes (id) VALUES ('a')"));
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a SELECT synchronously when no transaction is open", () => {
    expect(store.readNow?.(selectAll)).toEqual([{ id: "a" }]);
  });

  it("declines while a transaction holds the connection, so nobody reads its uncommitted rows", async () => {
    let release!: () => void;
    const paused = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const tx = store.transaction(async (db) => {
      await db.executeQuery(CompiledQuery.raw("INSERT INTO notes (id) VALUES ('b')"));
      inserted();
      await paused;
      throw new Error("roll back");
    });
    await insertedYet;

    expect(store.readNow?.(selectAll)).toBeUndefined();
    // The driver's path waits for the transaction to end, then sees only committed rows.
    const queued = store.db.executeQuery(selectAll);
    release();
    await expect(tx).rejects.toThrow("roll back");
    expect((await queued).rows).toEqual([{ id: "a" }]);
    expect(store.readNow?.(selectAll)).toEqual([{ id: "a" }]);
  });
});
