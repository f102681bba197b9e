import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { CompiledQuery } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../store.js";
import { openSqliteStore } from "./open.js";

const run = (store: Store, text: string) => store.db.executeQuery(CompiledQuery.raw(text));

/** A commit to the same file by another connection, as another process (the CLI) makes it. */
function commitElsewhere(file: string, id: string): void {
  const other = new Database(file);
  try {
    other.pragma("busy_timeout = 5000");
    other.prepare("INSERT INTO notes (id) VALUES (?)").run(id);
  } finally {
    other.close();
  }
}

describe("SQLite change watch (store.changeWatch)", () => {
  let dir: string;
  let file: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "backroom-changewatch-"));
    file = join(dir, "data.db");
    store = openSqliteStore(file);
    await run(store, "CREATE TABLE notes (id TEXT PRIMARY KEY)");
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("says 'maybe moved' once, then not while only reads run", async () => {
    const moved = store.changeWatch?.();
    expect(moved).toBeDefined();
    expect(moved?.()).toBe(true);
    expect(moved?.()).toBe(false);
    await run(store, "SELECT id FROM notes");
    store.readNow?.(CompiledQuery.raw("SELECT id FROM notes"));
    expect(moved?.()).toBe(false);
  });

  it("moves after a write on this connection, in or out of a transaction", async () => {
    const moved = store.changeWatch?.();
    moved?.();
    await run(store, "INSERT INTO notes (id) VALUES ('a')");
    expect(moved?.()).toBe(true);
    expect(moved?.()).toBe(false);
    await store.transaction(async (tx) => {
      await tx.executeQuery(CompiledQuery.raw("INSERT INTO notes (id) VALUES ('b')"));
      // The transaction holds the connection: nothing can be skipped inside it.
      expect(moved?.()).toBe(true);
    });
    expect(moved?.()).toBe(true);
    expect(moved?.()).toBe(false);
  });

  it("moves after a write that also returns rows (INSERT … RETURNING)", async () => {
    const moved = store.changeWatch?.();
    moved?.();
    await run(store, "INSERT INTO notes (id) VALUES ('r') RETURNING id");
    expect(moved?.()).toBe(true);
    expect(moved?.()).toBe(false);
  });

  it("moves after another process commits to the same file", () => {
    const moved = store.changeWatch?.();
    moved?.();
    commitElsewhere(file, "from elsewhere");
    expect(moved?.()).toBe(true);
    expect(moved?.()).toBe(false);
  });

  it("keeps each watch's memory to itself", async () => {
    const first = store.changeWatch?.();
    const second = store.changeWatch?.();
    first?.();
    await run(store, "INSERT INTO notes (id) VALUES ('c')");
    expect(second?.()).toBe(true);
    expect(first?.()).toBe(true);
  });

  it("keeps a change clock: the epoch moves with writes here and with other processes' commits a look saw", async () => {
    const clock = store.changeClock;
    if (!clock) throw new Error("SQLite keeps a change clock");
    const moved = store.changeWatch?.();
    moved?.();
    const { epoch, looks } = clock;
    store.readNow?.(CompiledQuery.raw("SELECT id FROM notes"));
    moved?.();
    expect(clock.epoch).toBe(epoch);
    expect(clock.looks).toBe(looks + 1);

    await run(store, "INSERT INTO notes (id) VALUES ('d')");
    expect(clock.epoch).toBeGreaterThan(epoch);

    const afterWrite = clock.epoch;
    commitElsewhere(file, "from elsewhere too");
    // Another process's commit is known only once a look has seen it.
    expect(clock.epoch).toBe(afterWrite);
    moved?.();
    expect(clock.epoch).toBeGreaterThan(afterWrite);
  });
});
