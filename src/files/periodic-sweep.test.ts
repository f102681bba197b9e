import { utimesSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../jobs/test-support/wait-until.js";
import { startServer, type TestServer } from "../test-support/server.js";
import { storedKeys } from "./test-support/files-fixture.js";

describe("the periodic sweep of unreferenced files", () => {
  let server: TestServer;
  const previous = process.env.BACKROOM_FILE_SWEEP_EVERY_MS;

  beforeAll(async () => {
    process.env.BACKROOM_FILE_SWEEP_EVERY_MS = "200";
    server = await startServer("sqlite");
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.BACKROOM_FILE_SWEEP_EVERY_MS;
    else process.env.BACKROOM_FILE_SWEEP_EVERY_MS = previous;
    await server?.close();
  });

  it("removes files no record holds once they are an hour old, and keeps everything else", async () => {
    const su = await server.superuserClient();
    const coll = await su.collections.create({
      name: "docs",
      type: "base",
      fields: [{ name: "file", type: "file", maxSelect: 1 }],
    });
    const kept = await su.collection("docs").create({ file: new File(["kept"], "kept.txt") });
    const { files, config } = server.app.services;
    const put = (key: string) => files.write(key, Readable.from([Buffer.from("x")]), "text/plain");
    const oldOrphan = `${coll.id}/nosuchrecord00/old.txt`;
    const newOrphan = `${coll.id}/nosuchrecord01/new.txt`;
    await put(oldOrphan);
    await put(newOrphan);
    // Age the referenced file and one orphan past the hour of grace.
    const root = config.files.kind === "local" ? config.files.dir : "";
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const key of [oldOrphan, `${coll.id}/${kept.id}/${kept.file}`])
      utimesSync(join(root, key), twoHoursAgo, twoHoursAgo);

    await waitUntil(async () => !(await storedKeys(files)).includes(oldOrphan), "the old orphan to go");
    const left = await storedKeys(files);
    expect(left).toContain(newOrphan);
    expect(left).toContain(`${coll.id}/${kept.id}/${kept.file}`);
  });
});
