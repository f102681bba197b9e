import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { nowDate, timeOrderedId } from "../ids.js";
import { defaultSettings, type Settings } from "../settings/settings-model.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { insertRows } from "../store/write-statements.js";
import { PG_URL, storesUnderTest } from "../test-support/server.js";
import type { LogEntry } from "./log-entry.js";
import { DEFAULT_WRITER_OPTIONS, RequestLogWriter } from "./request-log-writer.js";

/** Ids the writer is to use next, as another node might have drawn them too (then the real ones). */
const nextIds = vi.hoisted(() => [] as string[]);
vi.mock("../ids.js", async (importOriginal) => {
  const ids = await importOriginal<typeof import("../ids.js")>();
  return { ...ids, timeOrderedId: (now?: number) => nextIds.shift() ?? ids.timeOrderedId(now) };
});

function entry(message: string, created = nowDate()): LogEntry {
  return {
    created,
    level: 0,
    message,
    data: {
      type: "request",
      method: "GET",
      url: "/api/x",
      status: 200,
      execTime: 1,
      remoteIP: "10.0.0.1",
      userIP: "10.0.0.2",
      referer: "",
      userAgent: "",
      auth: "users",
      authId: "abc",
      route: "/api/x",
      collection: "",
    },
  };
}

describe.each(await storesUnderTest())("request log writer (%s)", (kind) => {
  let store: Store;
  const dir = mkdtempSync(join(tmpdir(), "backroom-logs-"));
  const schema = `t_logs_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  let logs: Settings["logs"] = { ...defaultSettings().logs };
  const errors: string[] = [];
  const writer = (options: Partial<typeof DEFAULT_WRITER_OPTIONS> = {}) =>
    new RequestLogWriter(
      store,
      async () => ({ logs }),
      (message) => errors.push(message),
      { ...DEFAULT_WRITER_OPTIONS, ...options },
    );
  const messages = async (prefix: string) =>
    (
      await store.db.selectFrom("_logs").select("message").where("message", "like", `${prefix}%`).execute()
    ).map((r) => String(r.message));

  beforeAll(async () => {
    store = await openStore(
      kind === "postgres" ? { kind, url: PG_URL, schema } : { kind, file: join(dir, "data.db") },
    );
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
    if (kind === "postgres") {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });

  it("writes a full batch at once, and what is left on flush", async () => {
    const w = writer({ flushAt: 10, rowsPerInsert: 4 });
    for (let i = 0; i < 9; i++) w.add(entry(`batch-${i}`));
    expect(await messages("batch-")).toEqual([]);
    w.add(entry("batch-9"));
    await w.flush();
    expect((await messages("batch-")).sort()).toEqual([...Array(10).keys()].map((i) => `batch-${i}`).sort());
    w.add(entry("batch-10"));
    await w.close();
    expect(await messages("batch-10")).toEqual(["batch-10"]);
    w.add(entry("batch-after-close"));
    await w.flush();
    expect(await messages("batch-after")).toEqual([]);
  });

  it("keeps at most maxBuffered entries, dropping the oldest and counting them", async () => {
    const w = writer({ flushAt: 1_000_000, maxBuffered: 100 });
    for (let i = 0; i < 150; i++) w.add(entry(`bounded-${String(i).padStart(3, "0")}`));
    expect(w.dropped).toBe(50);
    await w.close();
    const stored = (await messages("bounded-")).sort();
    expect(stored).toHaveLength(100);
    expect(stored[0]).toBe("bounded-050");
    expect(errors.some((e) => e.includes("50 entries dropped"))).toBe(true);
  });

  it("applies logIP, logAuthId, minLevel and maxDays=0 when it writes", async () => {
    logs = { ...logs, logIP: false, logAuthId: false };
    let w = writer();
    w.add(entry("private-1"));
    await w.close();
    const [row] = await store.db.selectFrom("_logs").selectAll().where("message", "=", "private-1").execute();
    const data = typeof row?.data === "string" ? JSON.parse(row.data) : row?.data;
    expect(data).toMatchObject({ remoteIP: "", userIP: "", authId: "", auth: "users", status: 200 });

    logs = { ...logs, logIP: true, logAuthId: true, minLevel: 4 };
    w = writer();
    w.add(entry("level-info"));
    w.add({ ...entry("level-warn"), level: 4 });
    await w.close();
    expect(await messages("level-")).toEqual(["level-warn"]);

    logs = { ...logs, minLevel: 0, maxDays: 0 };
    w = writer();
    w.add(entry("disabled-1"));
    await w.close();
    expect(await messages("disabled-")).toEqual([]);
    logs = { ...defaultSettings().logs };
  });

  it("skips a row whose id another node already used, and keeps the rest of the batch", async () => {
    // The writer inserts with skipDuplicates; here the clash is made on purpose.
    const soon = timeOrderedId();
    const taken = nowDate();
    await insertRows(
      store.db,
      store.dialect,
      "_logs",
      ["id", "created", "updated", "message"],
      [[soon, taken, taken, "clash-existing"]],
    );
    await insertRows(
      store.db,
      store.dialect,
      "_logs",
      ["id", "created", "updated", "message"],
      [
        [soon, taken, taken, "clash-duplicate"],
        [timeOrderedId(), taken, taken, "clash-fresh"],
      ],
      { skipDuplicates: true },
    );
    expect((await messages("clash-")).sort()).toEqual(["clash-existing", "clash-fresh"]);
    await expect(
      insertRows(
        store.db,
        store.dialect,
        "_logs",
        ["id", "created", "updated", "message"],
        [[soon, taken, taken, "clash-strict"]],
      ),
    ).rejects.toThrow();
  });

  it("counts and reports rows it could not store because another node's row had their id", async () => {
    const otherNode = writer();
    nextIds.push("clashingid0001a");
    otherNode.add(entry("node-a-1"));
    await otherNode.close();
    const w = writer({ rowsPerInsert: 2 });
    nextIds.push("clashingid0001a", "clashingid0001b", "clashingid0001c");
    for (const m of ["node-b-1", "node-b-2", "node-b-3"]) w.add(entry(m));
    await w.close();
    expect((await messages("node-")).sort()).toEqual(["node-a-1", "node-b-2", "node-b-3"]);
    expect(w.dropped).toBe(1);
    expect(errors).toContain("request log: 1 entries dropped, their ids taken by another node's rows");
  });

  it("prunes rows older than maxDays (and everything when logging is off)", async () => {
    const day = 86_400_000;
    const w = writer();
    w.add(entry("prune-old", nowDate(new Date(Date.now() - 6 * day))));
    w.add(entry("prune-recent", nowDate(new Date(Date.now() - 4 * day))));
    await w.flush();
    logs = { ...logs, maxDays: 5 };
    await w.prune();
    expect(await messages("prune-")).toEqual(["prune-recent"]);
    logs = { ...logs, maxDays: 0 };
    await w.prune();
    expect(await messages("prune-")).toEqual([]);
    logs = { ...defaultSettings().logs };
    await w.close();
  });

  it("prunes in small batches, oldest first, letting log writes in between", async () => {
    const day = 86_400_000;
    // One row per batch and many batches: the margin for the log's insert to slip in between is
    // wide even on a loaded machine (with 15 batches a busy CI box once ran them all first).
    const rows = 80;
    const w = writer({ pruneBatch: 1 });
    for (let i = 0; i < rows; i++)
      w.add(entry(`pruned-old-${i}`, nowDate(new Date(Date.now() - (10 + i) * day))));
    await w.flush();
    const statements: string[] = [];
    const stop = store.queries.listen((e) =>
      statements.push(e.sql.trimStart().split(/\s/)[0]?.toUpperCase() ?? ""),
    );
    try {
      const pruning = w.prune();
      w.add(entry("pruned-new"));
      const flushed = w.flush();
      expect(await pruning).toBe(rows);
      await flushed;
    } finally {
      stop();
    }
    expect(await messages("pruned-")).toEqual(["pruned-new"]);
    const deletes = statements.flatMap((s, i) => (s === "DELETE" ? [i] : []));
    expect(deletes).toHaveLength(rows + 1); // one per row, then the empty batch that ends it
    // The log's insert did not wait for the whole prune.
    expect(statements.indexOf("INSERT")).toBeLessThan(deletes[rows] as number);
    await w.close();
  });
});
