import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { craftZip, readZip } from "../../backups/test-support/craft-zip.js";
import { storeContents } from "../../backups/test-support/store-contents.js";
import { eventually } from "../../files/test-support/files-fixture.js";
import { tryAdvisoryLock } from "../../store/postgres/advisory-lock.js";
import { expectSdkError, issueCode, raw, signedInUser } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const BUSY = "Try again later - another backup/restore process has already been started.";

describe.each(await storesUnderTest())("backups API through the SDK (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let backupsDir: string;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    backupsDir = join(server.app.services.config.dir, "backups");
    await su.collections.create({ name: "notes", type: "base", fields: [{ name: "text", type: "text" }] });
    await su.collection("notes").create({ text: "kept" });
  });
  afterAll(() => server?.close());

  it("is for superusers only: guests get 401, users 403, on every method", async () => {
    const guest = server.client();
    const user = (await signedInUser(() => server.client())).pb;
    for (const pb of [guest, user]) {
      const status = pb === guest ? 401 : 403;
      await expectSdkError(pb.backups.getFullList(), status);
      await expectSdkError(pb.backups.create("x.zip"), status);
      await expectSdkError(pb.backups.upload({ file: new Blob(["PK"]) }), status);
      await expectSdkError(pb.backups.delete("x.zip"), status);
      await expectSdkError(pb.backups.restore("x.zip"), status);
      await expectSdkError(pb.crons.getFullList(), status);
      await expectSdkError(pb.crons.run("__pbLogsCleanup__"), status);
      await expectSdkError(pb.sql.run("select 1"), status);
    }
  });

  it("creates backups with PocketBase's names: given, or pb_backup_<app>_<time>.zip", async () => {
    await su.backups.create("named-1.zip");
    await su.backups.create("");
    const keys = (await su.backups.getFullList()).map((b) => b.key);
    expect(keys).toContain("named-1.zip");
    expect(keys.some((k) => /^pb_backup_backroom_\d{14}\.zip$/.test(k))).toBe(true);
    const info = (await su.backups.getFullList()).find((b) => b.key === "named-1.zip");
    expect(info?.modified).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("refuses bad and taken names with field errors, storing nothing", async () => {
    const before = await su.backups.getFullList();
    for (const name of ["!test.zip", "../x.zip", "UPPER.zip", "no-extension", "a/b.zip"]) {
      const err = await expectSdkError(su.backups.create(name), 400);
      expect(issueCode(err, "name")).toBe("validation_match_invalid");
    }
    const long = await expectSdkError(su.backups.create(`${"a".repeat(150)}.zip`), 400);
    expect(issueCode(long, "name")).toBe("validation_length_out_of_range");
    const taken = await expectSdkError(su.backups.create("named-1.zip"), 400);
    expect(issueCode(taken, "name")).toBe("validation_backup_name_exists");
    expect(await su.backups.getFullList()).toEqual(before);
  });

  it("downloads with a superuser file token only (getDownloadURL)", async () => {
    const token = await su.files.getToken();
    const res = await fetch(su.backups.getDownloadURL(token, "named-1.zip"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    const zip = Buffer.from(await res.arrayBuffer());
    const names = (await readZip(zip)).map((e) => e.name);
    expect(names).toContain("manifest.json");
    expect(names).toContain("tables/notes.ndjson");
    expect((await raw(server.url, "/api/backups/named-1.zip")).status).toBe(403);
    expect((await raw(server.url, `/api/backups/named-1.zip?token=${su.authStore.token}`)).status).toBe(403);
    const user = await signedInUser(() => server.client());
    const userToken = await user.pb.files.getToken();
    expect((await raw(server.url, `/api/backups/named-1.zip?token=${userToken}`)).status).toBe(403);
    const missing = await raw(server.url, `/api/backups/missing.zip?token=${token}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ status: 404, message: expect.any(String), data: {} });
  });

  it("uploads a downloaded backup under its file name and restores it", async () => {
    const token = await su.files.getToken();
    const zip = Buffer.from(
      await (await fetch(su.backups.getDownloadURL(token, "named-1.zip"))).arrayBuffer(),
    );
    await su.backups.upload({ file: new File([zip], "copy.zip") });
    expect((await su.backups.getFullList()).map((b) => b.key)).toContain("copy.zip");
    const again = await expectSdkError(su.backups.upload({ file: new File([zip], "copy.zip") }), 400);
    expect(issueCode(again, "file")).toBe("validation_backup_name_exists");
    await su.collection("notes").create({ text: "after the backup" });
    await su.backups.restore("copy.zip");
    expect((await su.collection("notes").getFullList()).map((n) => n.text)).toEqual(["kept"]);
  });

  it("refuses uploads that are missing, not backups, badly named or too large, keeping nothing", async () => {
    const before = await su.backups.getFullList();
    const missing = await expectSdkError(su.backups.upload({}), 400);
    expect(issueCode(missing, "file")).toBe("validation_required");
    const notZip = await expectSdkError(su.backups.upload({ file: new File(["hello"], "hello.zip") }), 400);
    expect(issueCode(notZip, "file")).toBe("validation_invalid_backup");
    const plainZip = await craftZip([{ name: "data.db", data: Buffer.from("SQLite format 3") }]);
    const pocketbaseLike = await expectSdkError(
      su.backups.upload({ file: new File([plainZip], "pb.zip") }),
      400,
    );
    expect(pocketbaseLike.message).toMatch(/manifest\.json is missing/);
    const badName = await expectSdkError(
      su.backups.upload({ file: new File([plainZip], ".hidden.zip") }),
      400,
    );
    expect(issueCode(badName, "file")).toBe("validation_invalid_name");
    process.env.BACKROOM_BACKUP_UPLOAD_LIMIT = "4096";
    try {
      const big = await expectSdkError(
        su.backups.upload({ file: new File([Buffer.alloc(64 * 1024)], "big.zip") }),
        400,
      );
      expect(issueCode(big, "file")).toBe("validation_file_size_limit");
    } finally {
      delete process.env.BACKROOM_BACKUP_UPLOAD_LIMIT;
    }
    expect(await su.backups.getFullList()).toEqual(before);
    expect(readdirSync(join(backupsDir, ".tmp"))).toEqual([]);
  });

  it("refuses hostile or broken zips at restore with a 400, changing nothing", async () => {
    const token = await su.files.getToken();
    const good = await readZip(
      Buffer.from(await (await fetch(su.backups.getDownloadURL(token, "named-1.zip"))).arrayBuffer()),
    );
    const manifest = JSON.parse(String(good.find((e) => e.name === "manifest.json")?.data));
    const withManifest = (m: unknown) => [
      ...good.filter((e) => e.name !== "manifest.json"),
      { name: "manifest.json", data: Buffer.from(JSON.stringify(m)) },
    ];
    const cases: [string, Awaited<ReturnType<typeof craftZip>>, RegExp][] = [
      [
        "traversal",
        await craftZip([...good, { name: "files/../../../evil.txt", data: Buffer.from("x") }]),
        /relative path|unsafe entry/,
      ],
      [
        "absolute",
        await craftZip([...good, { name: "/etc/evil-backroom", data: Buffer.from("x") }]),
        /absolute path|unexpected entry/,
      ],
      [
        "unexpected",
        await craftZip([...good, { name: "run-me.sh", data: Buffer.from("x") }]),
        /unexpected entry/,
      ],
      [
        "bomb",
        await craftZip([...good, { name: "files/c/r/bomb.bin", data: Buffer.alloc(64 * 1024 * 1024) }]),
        /zip bomb/,
      ],
      [
        "missing table",
        await craftZip(good.filter((e) => e.name !== "tables/notes.ndjson")),
        /table "notes" is missing/,
      ],
      ["newer format", await craftZip(withManifest({ ...manifest, formatVersion: 99 })), /newer Backroom/],
      ["not json", await craftZip(withManifest("{")), /not a Backroom backup|not valid JSON/],
      [
        "bad row",
        await craftZip([
          ...good.filter((e) => e.name !== "tables/notes.ndjson"),
          { name: "tables/notes.ndjson", data: Buffer.from('["x"]\n') },
        ]),
        /line 1/,
      ],
    ];
    const before = await storeContents(server.app.services);
    for (const [label, zip, message] of cases) {
      writeFileSync(join(backupsDir, `hostile-${label.replace(" ", "-")}.zip`), zip);
      const err = await expectSdkError(su.backups.restore(`hostile-${label.replace(" ", "-")}.zip`), 400);
      expect(err.message, label).toMatch(message);
      rmSync(join(backupsDir, `hostile-${label.replace(" ", "-")}.zip`));
    }
    expect(await storeContents(server.app.services)).toEqual(before);
    expect(readdirSync(server.app.services.config.dir)).not.toContain("evil.txt");
  });

  it("leaves out the request log, outbox and job queue, and a restore neither replays nor drops them", async () => {
    const services = server.app.services;
    await su.collection("notes").create({ text: "an event in the outbox" });
    await services.events.settle();
    await su.backups.create("activity.zip");
    const token = await su.files.getToken();
    const names = (
      await readZip(
        Buffer.from(await (await fetch(su.backups.getDownloadURL(token, "activity.zip"))).arrayBuffer()),
      )
    ).map((e) => e.name);
    for (const table of ["_outbox", "_jobs", "_logs"]) expect(names).not.toContain(`tables/${table}.ndjson`);
    await services.jobs.enqueue("later.work", {}, { delay: 3_600_000 });
    // Events after the backup move the dispatched position past the one the backup holds.
    for (let i = 0; i < 3; i++) await su.collection("notes").create({ text: `later ${i}` });
    const outbox = async () => (await su.sql.run("select count(*), max(seq) from _outbox")).rows[0];
    const cursor = async () =>
      Number((await su.sql.run("select value from _params where id = 'outbox_dispatched'")).rows[0]?.[0]);
    const jobs = async () => (await su.sql.run("select id, status from _jobs order by id")).rows;
    const newest = Number((await outbox())?.[1]);
    const saved = async () => {
      await services.events.settle();
      return (await cursor()) === newest;
    };
    expect(await eventually(saved)).toBe(true);
    const [outboxBefore, jobsBefore] = [await outbox(), await jobs()];
    await su.backups.restore("activity.zip");
    await services.events.settle();
    // The restore wrote no events, kept the outbox and the queue, and didn't move the position back.
    expect(await outbox()).toEqual(outboxBefore);
    expect(await cursor()).toBe(newest);
    expect(await jobs()).toEqual(jobsBefore);
    expect(jobsBefore.length).toBeGreaterThan(0);
  });

  it("deletes backups; a missing one or a bad key is a 400", async () => {
    await su.backups.create("to-delete.zip");
    await su.backups.delete("to-delete.zip");
    expect((await su.backups.getFullList()).map((b) => b.key)).not.toContain("to-delete.zip");
    await expectSdkError(su.backups.delete("to-delete.zip"), 400);
    await expectSdkError(su.backups.delete("..%2Fdata.db"), 400);
    await expectSdkError(su.backups.restore("missing.zip"), 400);
  });

  it("refuses a second backup or restore while another process holds the backup lock", async () => {
    let release: (() => Promise<void>) | null = null;
    let holder: ChildProcess | undefined;
    if (kind === "postgres") {
      const config = server.app.services.config.store;
      if (config.kind !== "postgres") throw new Error("expected postgres");
      release = await tryAdvisoryLock(config, 727_016);
    } else {
      const config = server.app.services.config.store;
      if (config.kind !== "sqlite") throw new Error("expected sqlite");
      holder = spawn("sleep", ["30"]);
      writeFileSync(`${config.file}.backup-lock`, String(holder.pid));
      release = async () => rmSync(`${config.file}.backup-lock`, { force: true });
    }
    try {
      const create = await expectSdkError(su.backups.create("blocked.zip"), 400);
      expect(create.message).toBe(BUSY);
      const restore = await expectSdkError(su.backups.restore("named-1.zip"), 400);
      expect(restore.message).toBe(BUSY);
    } finally {
      await release?.();
      holder?.kill();
    }
    await su.backups.create("after-lock.zip");
    expect(readFileSync(join(backupsDir, "after-lock.zip")).subarray(0, 2).toString()).toBe("PK");
  });
});
