import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { waitUntil } from "../../jobs/test-support/wait-until.js";
import { type BackgroundCheckpointOptions, BackgroundCheckpoints } from "./background-checkpoints.js";

const PAYLOAD = "x".repeat(2000);

/** Writes rows in separate transactions, giving the event loop a turn between batches. */
async function writeRows(db: Database.Database, count: number) {
  const insert = db.prepare("INSERT INTO notes (body) VALUES (?)");
  for (let i = 0; i < count; i++) {
    insert.run(PAYLOAD);
    if (i % 50 === 49) await sleep(5);
  }
}

const autocheckpoint = (db: Database.Database) => db.pragma("wal_autocheckpoint", { simple: true });

/** Waits for a condition of the worker (5 s at most). */
const until = (check: () => boolean, what: string) => waitUntil(check, what, 5000, 20);

/** Short intervals so a test sees the worker come and go within milliseconds. */
const fast = (overrides: Partial<BackgroundCheckpointOptions> = {}): BackgroundCheckpointOptions => ({
  watchEveryMs: 20,
  busyLooksToStart: 1,
  checkpointEveryMs: 20,
  idleExitMs: 60_000,
  retryAfterFailureMs: 60_000,
  fallbackPages: 16_000,
  ...overrides,
});

describe("SQLite checkpoints in a worker thread while the database is written", () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let checkpoints: BackgroundCheckpoints;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "backroom-checkpoints-"));
    file = join(dir, "data.db");
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    db.pragma("wal_checkpoint(TRUNCATE)");
  });

  /**
   * The rows a reader sees in the database file without its log (a copy of the file alone), or
   * -1 when the copy caught the worker halfway through writing pages (a torn copy is "not yet").
   */
  const rowsInFileAlone = () => {
    const copy = join(dir, "copy.db");
    copyFileSync(file, copy);
    const fileAlone = new Database(copy, { readonly: true });
    try {
      return (fileAlone.prepare("SELECT COUNT(*) AS n FROM notes").get() as { n: number }).n;
    } catch (error) {
      if ((error as { code?: string }).code === "SQLITE_CORRUPT") return -1;
      throw error;
    } finally {
      fileAlone.close();
      rmSync(copy);
    }
  };

  afterEach(async () => {
    await checkpoints.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts no worker while nothing is written", async () => {
    checkpoints = new BackgroundCheckpoints(file, db, fast({ idleExitMs: 1000 }));
    await sleep(200);
    expect(checkpoints.starts).toBe(0);
    expect(autocheckpoint(db)).toBe(1000);
  });

  it("starts no worker for one burst of writes, only for writes that go on", async () => {
    checkpoints = new BackgroundCheckpoints(file, db, fast({ watchEveryMs: 50, busyLooksToStart: 3 }));
    await writeRows(db, 20);
    await sleep(300);
    expect(checkpoints.starts).toBe(0);
    // Rows every 10 ms for a while: every look finds new writes.
    const insert = db.prepare("INSERT INTO notes (body) VALUES (?)");
    for (let i = 0; i < 100 && checkpoints.starts === 0; i++) {
      insert.run(PAYLOAD);
      await sleep(10);
    }
    expect(checkpoints.starts).toBe(1);
  });

  it("copies new writes into the database file itself, while the server's own threshold is raised", async () => {
    checkpoints = new BackgroundCheckpoints(file, db, fast());
    await writeRows(db, 20);
    await until(
      () => checkpoints.running && autocheckpoint(db) === 16_000,
      "the worker and the raised threshold",
    );
    // ~600 KB: far below any threshold of the server's connection, so only the worker can have
    // copied these rows from the log into the database file.
    await writeRows(db, 300);
    await until(() => rowsInFileAlone() === 320, "all rows in the database file alone");
    expect(checkpoints.checkpoints).toBeGreaterThan(0);
  });

  it("ends the worker after a quiet spell, gives the threshold back, and starts again on new writes", async () => {
    checkpoints = new BackgroundCheckpoints(file, db, fast({ idleExitMs: 150 }));
    await writeRows(db, 50);
    await until(() => checkpoints.running, "a worker");
    await until(() => !checkpoints.running, "the worker to end");
    expect(autocheckpoint(db)).toBe(1000);
    await writeRows(db, 50);
    await until(() => checkpoints.starts === 2, "a second worker");
  });

  it("ends the worker when closed, leaving the database whole for the next opener", async () => {
    checkpoints = new BackgroundCheckpoints(file, db, fast());
    await writeRows(db, 200);
    await until(() => checkpoints.running, "a worker");
    await checkpoints.close();
    expect(checkpoints.running).toBe(false);
    const other = new Database(file, { readonly: true });
    expect(other.prepare("SELECT COUNT(*) AS n FROM notes").get()).toEqual({ n: 200 });
    other.close();
  });

  it("leaves checkpoints to the server's connection when the worker cannot do them, and does not retry at once", async () => {
    checkpoints = new BackgroundCheckpoints(file, db, fast());
    // The server keeps its open file; whoever opens the path now finds something else there.
    renameSync(file, join(dir, "moved.db"));
    mkdirSync(file);
    await writeRows(db, 50);
    await until(() => checkpoints.starts === 1 && !checkpoints.running, "the failed worker to end");
    await writeRows(db, 50);
    await sleep(100);
    expect(checkpoints.starts).toBe(1);
    expect(checkpoints.checkpoints).toBe(0);
    expect(autocheckpoint(db)).toBe(1000);
  });
});
