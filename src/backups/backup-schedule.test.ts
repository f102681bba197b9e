import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDue, parseCronSchedule } from "../settings/cron-schedule.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { PG_URL, storesUnderTest } from "../test-support/server.js";
import { BackupSchedule } from "./backup-schedule.js";

describe("PocketBase's cron syntax", () => {
  const due = (expression: string, iso: string) => {
    const schedule = parseCronSchedule(expression);
    if (typeof schedule === "string") throw new Error(schedule);
    return isDue(schedule, new Date(iso));
  };

  it("matches minutes, steps, ranges, lists and macros in UTC, day of month AND day of week", () => {
    expect(due("*/15 * * * *", "2024-05-06T10:30:00Z")).toBe(true);
    expect(due("*/15 * * * *", "2024-05-06T10:31:00Z")).toBe(false);
    expect(due("0 2 * * *", "2024-05-06T02:00:59Z")).toBe(true);
    expect(due("0 9-17/4 * * 1-5", "2024-05-06T13:00:00Z")).toBe(true); // a Monday
    expect(due("0 9-17/4 * * 1-5", "2024-05-05T13:00:00Z")).toBe(false); // a Sunday
    expect(due("0 0 1,15 * *", "2024-05-15T00:00:00Z")).toBe(true);
    expect(due("@daily", "2024-05-15T00:00:00Z")).toBe(true);
    expect(due("@hourly", "2024-05-15T07:00:00Z")).toBe(true);
    expect(due("0 0 13 * 5", "2024-09-13T00:00:00Z")).toBe(true); // Friday the 13th
    expect(due("0 0 13 * 5", "2024-05-13T00:00:00Z")).toBe(false); // the 13th, a Monday
  });

  it("refuses what PocketBase refuses", () => {
    for (const bad of [
      "* * * *",
      "60 * * * *",
      "* 24 * * *",
      "* * 0 * *",
      "* * * 13 *",
      "* * * * 7",
      "*/0 * * * *",
      "5/2 * * * *",
      "a * * * *",
      "@often",
      "1-2-3 * * * *",
      "*/1/2 * * * *",
    ])
      expect(typeof parseCronSchedule(bad), bad).toBe("string");
  });
});

describe.each(await storesUnderTest())("the backup schedule on several nodes (%s)", (kind) => {
  const dir = mkdtempSync(join(tmpdir(), "backroom-schedule-"));
  const schema = `t_sched_${Date.now().toString(36)}`;
  let stores: Store[] = [];

  beforeAll(async () => {
    const config =
      kind === "postgres"
        ? ({ kind, url: PG_URL, schema } as const)
        : ({ kind, file: join(dir, "data.db") } as const);
    stores = [await openStore(config), await openStore(config)];
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
    if (kind === "postgres") {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });

  it("runs each due minute once across the nodes, and not when the minute isn't due", async () => {
    let runs = 0;
    const settings = async () => ({
      backups: { cron: "*/5 * * * *", cronMaxKeep: 3, s3: {} as never },
    });
    const nodes = stores.map(
      (store) => new BackupSchedule({ db: store.db, settings, run: async () => void runs++, log: () => {} }),
    );
    const at = (iso: string) => Promise.all(nodes.map((n) => n.tick(new Date(iso))));
    expect((await at("2030-01-01T10:05:00.050Z")).filter(Boolean)).toHaveLength(1);
    expect((await at("2030-01-01T10:05:00.900Z")).filter(Boolean)).toHaveLength(0);
    expect((await at("2030-01-01T10:06:00.050Z")).filter(Boolean)).toHaveLength(0);
    expect((await at("2030-01-01T10:10:00.050Z")).filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(2);
  });
});
