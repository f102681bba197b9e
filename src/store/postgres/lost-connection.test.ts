import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import pg from "pg";
import PocketBase, { type RecordSubscription } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../app.js";
import { loadConfig } from "../../config/config.js";
import { OUTBOX_CHANNEL, PgWakeups } from "../../events/pg-wakeups.js";
import { appFolder } from "../../hooks/test-support/app-folder.js";
import { waitUntil } from "../../jobs/test-support/wait-until.js";
import { Collector, installEventSource } from "../../realtime/test-support/collector.js";
import { expectRawError, raw } from "../../test-support/api.js";
import { type PgInstance, pgInstanceAvailable, startPgInstance } from "../../test-support/pg-instance.js";
import { type LoadCounts, startRecordLoad, storedIds } from "../../test-support/record-load.js";
import { SUPERUSER } from "../../test-support/server.js";
import {
  ensureBuilt,
  killProcess,
  type SpawnedServer,
  serveProcess,
} from "../../test-support/server-process.js";

installEventSource();

const BIN = join(import.meta.dirname, "../../../bin/backroom.js");
const DATABASE = "lost_connection";
/** Requests must succeed again this soon after PostgreSQL answers (generous: a shared 2-core machine). */
const RECOVERY_MS = 5000;

/** Each cron tick and each `mark` job writes a record, so the test sees both run. */
const HOOKS = `import { defineHooks } from "backroom";
export default defineHooks((app) => {
  app.cronAdd("tick", "* * * * * *", async ({ scheduledAt }) => {
    await app.createRecord("ticks", { at: scheduledAt });
  });
  app.jobs.define("mark", async (payload) => {
    await app.createRecord("marks", { label: payload.label });
  });
  // Holds a create's transaction open for a while, so a test can cut the connection under it.
  app.onRecordCreate(async (e) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await e.next();
  }, "slow");
  app.routerAdd("POST", "/api/test/mark/{label}", async (e) => {
    await e.app.jobs.enqueue("mark", { label: e.request.pathValue("label") });
    e.json(200, { queued: true });
  });
});
`;

describe.runIf(pgInstanceAvailable())("a lost PostgreSQL connection is an error, never a crash", () => {
  let pgServer: PgInstance;
  let nodeA: SpawnedServer;
  let nodeB: App;
  let urlB: string;
  let su: PocketBase;
  const exits: string[] = [];
  let output = "";
  const dirs: string[] = [];
  const folder = appFolder({ "faults.ts": HOOKS });

  beforeAll(async () => {
    ensureBuilt();
    pgServer = await startPgInstance();
    await pgServer.createDatabase(DATABASE);
    const db = pgServer.urlFor(DATABASE);
    const dirA = mkdtempSync(join(tmpdir(), "backroom-lost-a-"));
    const dirB = mkdtempSync(join(tmpdir(), "backroom-lost-b-"));
    dirs.push(dirA, dirB);
    await promisify(execFile)(process.execPath, [
      BIN,
      "superuser",
      "upsert",
      SUPERUSER.email,
      SUPERUSER.password,
      "--db",
      db,
    ]);
    // Node A: `backroom serve` as its own process, with hooks (cron, a job, a route).
    nodeA = await serveProcess(["--db", db, "--dir", dirA, "--hooks", folder.hooks], {
      BACKROOM_LOG_LEVEL: "warn",
      BACKROOM_JOBS_POLL_MS: "200",
    });
    nodeA.child.on("exit", (code, signal) => exits.push(`node A exited (${signal ?? code})`));
    nodeA.child.stdout?.on("data", (d) => {
      output += d;
    });
    nodeA.child.stderr?.on("data", (d) => {
      output += d;
    });
    // Node B: a second node on the same database, in this process (its crash would end the test run).
    nodeB = await createApp(
      loadConfig({
        http: "127.0.0.1:0",
        dir: dirB,
        db,
        logLevel: "silent",
        hooks: join(dirB, "no-hooks"),
        migrations: join(dirB, "migrations"),
      }),
    );
    urlB = await nodeB.listen();

    su = new PocketBase(nodeA.url);
    su.autoCancellation(false);
    await su.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    await su.settings.update({ rateLimits: { enabled: false } });
    const open = { listRule: "", viewRule: "", createRule: "" };
    await su.collections.create({
      name: "items",
      type: "base",
      fields: [
        { name: "loop", type: "number" },
        { name: "n", type: "number" },
        { name: "note", type: "text" },
      ],
      ...open,
    });
    await su.collections.create({
      name: "ticks",
      type: "base",
      fields: [{ name: "at", type: "text" }],
      ...open,
    });
    await su.collections.create({
      name: "slow",
      type: "base",
      fields: [{ name: "x", type: "text" }],
      ...open,
    });
    await su.collections.create({
      name: "marks",
      type: "base",
      fields: [{ name: "label", type: "text" }],
      ...open,
    });
  }, 240_000);

  afterAll(async () => {
    if (nodeA) await killProcess(nodeA.child);
    await nodeB?.close();
    await pgServer?.destroy();
    folder.remove();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const alive = () => nodeA.child.exitCode === null && nodeA.child.signalCode === null;

  /** Load on node A while `fault` runs; returns what the load saw and how long recovery took. */
  async function underLoad(
    fault: () => Promise<number>,
  ): Promise<{ counts: LoadCounts; recoveryMs: number }> {
    const load = startRecordLoad(nodeA.url, "items", 4);
    await sleep(500);
    const recoveredFrom = await fault();
    const recoveryMs = await load.firstWriteAfter(recoveredFrom, 30_000, () => !alive());
    await sleep(500);
    return { counts: await load.stop(), recoveryMs };
  }

  /** Every answer was a success or a proper 503; nothing else, and no acknowledged write is missing. */
  async function expectCleanRun(counts: LoadCounts, recoveryMs: number) {
    expect(exits, output).toEqual([]);
    expect(alive()).toBe(true);
    expect(output).not.toMatch(/Unhandled 'error' event|uncaught exception/i);
    expect(
      counts.unexpected,
      "answers other than 2xx or a 503 in the API error shape with Retry-After",
    ).toEqual([]);
    expect(counts.networkErrors).toBe(0);
    expect(recoveryMs, "ms from PostgreSQL answering to the first successful write").toBeLessThan(
      RECOVERY_MS,
    );
    const token = su.authStore.token;
    const stored = await storedIds(nodeA.url, "items", token);
    expect([...counts.acked].filter((id) => !stored.has(id))).toEqual([]);
  }

  it("pg_terminate_backend on every connection while requests run: 503s at most, no exit, nothing lost", async () => {
    const { counts, recoveryMs } = await underLoad(async () => {
      const at = Date.now();
      expect(await pgServer.terminateBackends(DATABASE)).toBeGreaterThan(0);
      return at;
    });
    await expectCleanRun(counts, recoveryMs);
  }, 60_000);

  it("PostgreSQL stopped with -m immediate and started again: 503 with Retry-After meanwhile, then writes resume", async () => {
    let health: unknown;
    const { counts, recoveryMs } = await underLoad(async () => {
      await pgServer.stop({ mode: "immediate" });
      // Longer than the settings cache lives (2 s): the health request must not need the database.
      await sleep(2500);
      // While it is away, health says so (without touching the database itself).
      health = await (await fetch(`${nodeA.url}/api/health`)).json();
      await pgServer.start();
      return Date.now();
    });
    await expectCleanRun(counts, recoveryMs);
    expect(counts.statuses.get(503) ?? 0, "requests caught in the cut").toBeGreaterThan(0);
    expect(counts.statuses.get(500) ?? 0).toBe(0);
    expect(health).toEqual({ code: 200, message: "API is healthy.", data: { database: "unavailable" } });
    await waitUntil(
      async () => ((await (await fetch(`${nodeA.url}/api/health`)).json()) as { data: object }).data,
      "health to clear",
    ).then((data) => expect(data).toEqual({}));
  }, 60_000);

  it("a batch whose connection is cut midway answers 503 as a whole, and keeps none of its writes", async () => {
    const requests = [
      { method: "POST", url: "/api/collections/items/records", body: { note: "batch-first" } },
      { method: "POST", url: "/api/collections/slow/records", body: { x: "batch-second" } },
    ];
    const answer = raw(nodeA.url, "/api/batch", { method: "POST", body: { requests } });
    // The first create is done and the second one's hook holds the transaction open.
    await sleep(700);
    await pgServer.terminateBackends(DATABASE);
    const res = await answer;
    expectRawError(res, 503);
    expect(res.headers.get("retry-after")).toBeTruthy();
    const kept = await waitUntil(
      () =>
        su
          .collection("items")
          .getList(1, 1, { filter: `note = "batch-first"` })
          .catch(() => undefined),
      "a list after recovery",
    );
    expect(kept.totalItems).toBe(0);
    expect(alive()).toBe(true);
  }, 60_000);

  describe("after the faults, background work resumes without a restart", () => {
    it("a realtime subscriber connected before the cut gets an event written on the other node after it", async () => {
      const got = new Collector<RecordSubscription<Record<string, unknown>>>();
      const subscriber = new PocketBase(nodeA.url);
      await subscriber.collection("items").subscribe("*", got.push);
      try {
        await pgServer.terminateBackends(DATABASE);
        await pgServer.stop({ mode: "immediate" });
        await pgServer.start();
        // Written through node B: node A hears of it from the outbox (LISTEN wake-up or its poll).
        const writer = new PocketBase(urlB);
        const created = await waitUntil(
          () =>
            writer
              .collection("items")
              .create({ note: "after recovery" })
              .catch(() => undefined),
          "a create on node B after recovery",
        );
        const events = await waitUntil(
          () => got.items.find((e) => e.record.id === created.id),
          "the realtime event on node A",
        );
        expect(events.action).toBe("create");
      } finally {
        await subscriber.realtime.unsubscribe();
      }
    }, 60_000);

    it("a LISTEN connection comes back by itself: a notification after the faults wakes it", async () => {
      // A database of its own, so the nodes' LISTEN connections can't be mistaken for this one.
      await pgServer.createDatabase("listen_probe");
      const url = pgServer.urlFor("listen_probe");
      let wakes = 0;
      const wakeups = new PgWakeups(url, "probe", () => {
        wakes++;
      });
      await wakeups.start();
      try {
        expect(await pgServer.terminateBackends("listen_probe")).toBe(1);
        await pgServer.stop({ mode: "immediate" });
        await pgServer.start();
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        try {
          await waitUntil(
            async () =>
              (
                await admin.query(
                  "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()",
                  ["listen_probe"],
                )
              ).rowCount,
            "the LISTEN connection to come back",
          );
          // It also wakes once on each reconnect (notifications sent while it was away are lost).
          await sleep(200);
          const before = wakes;
          await admin.query(`NOTIFY ${OUTBOX_CHANNEL}, 'probe'`);
          await waitUntil(() => wakes > before, "the notification to wake it");
        } finally {
          await admin.end();
        }
      } finally {
        await wakeups.stop();
      }
    }, 60_000);

    it("a job enqueued after recovery runs, the cron ticks again, requests are logged again", async () => {
      await pgServer.stop({ mode: "immediate" });
      await sleep(500);
      await pgServer.start();
      const recoveredAt = new Date().toISOString();
      await waitUntil(
        () => fetch(`${nodeA.url}/api/collections/items/records?probe=after-restart`).then((r) => r.ok),
        "a list to succeed",
      );
      await waitUntil(
        async () => (await su.logs.getList(1, 1, { filter: `data.url ~ "probe=after-restart"` })).totalItems,
        "the request log entry",
      );
      await waitUntil(
        () => fetch(`${nodeA.url}/api/test/mark/after-restart`, { method: "POST" }).then((r) => r.ok),
        "the enqueue route to answer",
      );
      await waitUntil(
        async () =>
          (await su.collection("marks").getList(1, 1, { filter: `label = "after-restart"` })).totalItems,
        "the job to run",
      );
      await waitUntil(
        async () =>
          (await su.collection("ticks").getList(1, 1, { filter: `at > "${recoveredAt}"` })).totalItems,
        "a cron tick after the restart",
      );
    }, 60_000);

    it("a collection created on the other node after recovery is served here (catalogue watch)", async () => {
      await pgServer.terminateBackends(DATABASE);
      const b = new PocketBase(urlB);
      await b.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
      await waitUntil(
        () =>
          b.collections
            .create({ name: "late", type: "base", fields: [{ name: "x", type: "text" }], listRule: "" })
            .catch(() => undefined),
        "creating a collection on node B",
      );
      await waitUntil(
        async () => (await fetch(`${nodeA.url}/api/collections/late/records`)).status === 200,
        "node A to see the new collection",
      );
      expect(alive()).toBe(true);
    }, 60_000);
  });
});
