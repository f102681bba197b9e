import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../files/test-support/files-fixture.js";
import { appFolder } from "../../hooks/test-support/app-folder.js";
import { expectSdkError, issueCode } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const HOOKS = `
import { defineHooks } from "backroom";
export default defineHooks((app) => {
  app.cronAdd("nightly-report", "0 2 * * *", async () => {
    await app.createRecord("reports", { title: "ran" });
  });
});
`;

describe.each(await storesUnderTest())("crons and SQL through the SDK (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  const folder = appFolder({ "crons.ts": HOOKS });

  beforeAll(async () => {
    server = await startServer(kind, { hooks: folder.hooks });
    su = await server.superuserClient();
    await su.collections.create({ name: "reports", type: "base", fields: [{ name: "title", type: "text" }] });
  });
  afterAll(async () => {
    await server?.close();
    folder.remove();
  });

  it("lists the app's cronAdd jobs first, then Backroom's own housekeeping", async () => {
    const crons = await su.crons.getFullList();
    expect(crons[0]).toEqual({ id: "nightly-report", expression: "0 2 * * *" });
    expect(crons).toContainEqual({ id: "__pbLogsCleanup__", expression: "0 * * * *" });
    expect(crons).toContainEqual({ id: "__backroomFilesSweep__", expression: "0 */6 * * *" });
    expect(crons).toContainEqual({ id: "__backroomOutboxPrune__", expression: "* * * * *" });
    expect(crons).toContainEqual({ id: "__backroomTusExpire__", expression: "*/15 * * * *" });
    // The backup schedule shows only once one is set.
    expect(crons.map((c) => c.id)).not.toContain("__pbAutoBackup__");
    await su.settings.update({ backups: { cron: "0 3 * * *", cronMaxKeep: 2 } });
    expect(await su.crons.getFullList()).toContainEqual({ id: "__pbAutoBackup__", expression: "0 3 * * *" });
  });

  it("runs a job now: an app job through the job queue, the backup job as a scheduled backup", async () => {
    await su.crons.run("nightly-report");
    expect(await eventually(async () => (await su.collection("reports").getFullList()).length === 1)).toBe(
      true,
    );
    // Three scheduled backups (a second apart: names carry the time to the second); two are kept.
    for (let i = 0; i < 3; i++) {
      const before = new Set((await su.backups.getFullList()).map((b) => b.key));
      await su.crons.run("__pbAutoBackup__");
      const added = async () => (await su.backups.getFullList()).some((b) => !before.has(b.key));
      expect(await eventually(added)).toBe(true);
      await new Promise((r) => setTimeout(r, 1100));
    }
    const auto = (await su.backups.getFullList()).map((b) => b.key);
    expect(auto).toHaveLength(2);
    for (const key of auto) expect(key).toMatch(/^@auto_pb_backup_backroom_\d{14}\.zip$/);
    const err = await expectSdkError(su.crons.run("missing"), 404);
    expect(err.response).toEqual({ status: 404, message: "Missing or invalid cron job", data: {} });
  });

  it("validates the backup schedule as PocketBase does", async () => {
    const bad = await expectSdkError(su.settings.update({ backups: { cron: "61 * * * *" } }), 400);
    expect(issueCode(bad, "backups", "cron")).toBe("validation_invalid_cron");
    const keep = await expectSdkError(
      su.settings.update({ backups: { cron: "@daily", cronMaxKeep: 0 } }),
      400,
    );
    expect(issueCode(keep, "backups", "cronMaxKeep")).toBe("validation_required");
    const s3 = await expectSdkError(su.settings.update({ backups: { s3: { enabled: true } } }), 400);
    expect(issueCode(s3, "backups", "s3", "bucket")).toBe("validation_required");
    await su.settings.update({ backups: { s3: { secret: "hidden", enabled: false } } });
    expect((await su.settings.getAll()).backups.s3.secret).toBe("");
    expect(server.app.services.settings.peek()?.backups.s3.secret ?? "hidden").toBe("hidden");
  });

  it("runs read-only SQL with PocketBase's result shape, the last statement's result", async () => {
    const one = await su.sql.run("select 1 as one, null as empty");
    expect(one).toEqual({
      execTime: expect.any(Number),
      affectedRows: 0,
      columns: [
        { name: "one", type: expect.any(String), nullable: true },
        { name: "empty", type: expect.any(String), nullable: true },
      ],
      rows: [["1", null]],
    });
    const last = await su.sql.run("select 1 as a; select 2 as b");
    expect(last.rows).toEqual([["2"]]);
    expect(last.columns.map((c) => c.name)).toEqual(["b"]);
    const titles = await su.sql.run("select title from reports");
    expect(titles.rows).toEqual([["ran"]]);
  });

  it("bounds the rows it returns", async () => {
    const many = await su.sql.run(
      kind === "postgres"
        ? "select g from generate_series(1, 5000) g"
        : "with recursive n(g) as (select 1 union all select g + 1 from n where g < 5000) select g from n",
    );
    expect(many.rows).toHaveLength(1000);
  });

  it("refuses writes by default, and bad or empty queries, with 400s in the API error format", async () => {
    const before = await su.collection("reports").getFullList();
    for (const query of [
      "delete from reports",
      "insert into reports (id, title) values ('x', 'y')",
      "drop table reports",
    ]) {
      // The console's errors are the database's own message (what a superuser typing SQL needs).
      const err = await expectSdkError(su.sql.run(query), 400, { shape: "lenient" });
      expect(err.message).toMatch(/^Failed to execute query\. Raw error:\n.*(read-only|read only)/is);
    }
    expect(await su.collection("reports").getFullList()).toEqual(before);
    const invalid = await expectSdkError(su.sql.run("invalid"), 400, { shape: "lenient" });
    expect(invalid.message).toMatch(/syntax error/);
    const empty = await expectSdkError(su.sql.run(""), 400);
    expect(issueCode(empty, "query")).toBe("validation_required");
    const long = await expectSdkError(su.sql.run(`select '${"a".repeat(5000)}'`), 400);
    expect(issueCode(long, "query")).toBe("validation_length_out_of_range");
  });

  it("stops a query at the time limit with a 400, and serves on", async () => {
    process.env.BACKROOM_SQL_TIMEOUT_MS = "300";
    try {
      const slow =
        kind === "postgres"
          ? "select pg_sleep(5)"
          : "with recursive n(g) as (select 1 union all select g + 1 from n) select count(*) from n";
      const started = Date.now();
      const err = await expectSdkError(su.sql.run(slow), 400, { shape: "lenient" });
      expect(err.message).toMatch(/timeout|ran longer than 300 ms/);
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      delete process.env.BACKROOM_SQL_TIMEOUT_MS;
    }
    expect((await su.sql.run("select 7")).rows).toEqual([["7"]]);
  });

  it("audits every query with its text", async () => {
    await su.sql.run("select 42");
    const audit = await su.send("/api/audit", { query: { filter: 'action = "sql.run"' } });
    expect(audit.items.some((e: { changes: string[] }) => e.changes[0] === "select 42")).toBe(true);
  });
});

describe.each(await storesUnderTest())("SQL writes when the server allows them (%s)", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    process.env.BACKROOM_SQL_WRITES = "true";
    server = await startServer(kind);
  });
  afterAll(async () => {
    delete process.env.BACKROOM_SQL_WRITES;
    await server?.close();
  });

  it("applies several statements in one transaction, all or nothing", async () => {
    const su = await server.superuserClient();
    const made = await su.sql.run(
      "create table test_sql (id int primary key); insert into test_sql (id) values (1)",
    );
    expect(made.affectedRows).toBe(1);
    await expectSdkError(su.sql.run("insert into test_sql (id) values (2); invalid"), 400, {
      shape: "lenient",
    });
    expect((await su.sql.run("select count(*) from test_sql")).rows).toEqual([["1"]]);
  });
});

describe.runIf((await storesUnderTest()).includes("postgres"))(
  "SQL writes and the server's statements",
  () => {
    let server: TestServer;
    beforeAll(async () => {
      process.env.BACKROOM_SQL_WRITES = "true";
      server = await startServer("postgres");
    });
    afterAll(async () => {
      delete process.env.BACKROOM_SQL_WRITES;
      await server?.close();
    });

    it("an ALTER TABLE through the console fails none of the next updates (named statements are dropped)", async () => {
      const su = await server.superuserClient();
      await su.collections.create({ name: "altered", type: "base", fields: [{ name: "t", type: "text" }] });
      const record = await su.collection("altered").create({ t: "a" });
      // An update reads the record and writes it back with texts that stay the same, in a transaction:
      // the pool's connections run them as named statements from their second run on.
      const update = (i: number) => su.collection("altered").update(record.id, { t: `t${i}` });
      for (let i = 0; i < 30; i++) await update(i);
      await su.sql.run('ALTER TABLE "altered" ADD COLUMN console_added text');
      const failed: number[] = [];
      for (let i = 0; i < 30; i++)
        await update(i).catch((err: { status: number }) => failed.push(err.status));
      expect(failed).toEqual([]);
    });
  },
);
