import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app.js";
import { eventually } from "../files/test-support/files-fixture.js";
import { sharedStore } from "../jobs/test-support/app-on-store.js";
import { systemContext } from "../records/request-context.js";
import { SUPERUSER, startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { createShop } from "./test-support/shop-data.js";
import { storedFiles } from "./test-support/store-contents.js";

const withPostgres = (await storesUnderTest()).includes("postgres");

/** What a client sees of an installation: collections, every record of each, settings. */
async function apiContents(pb: PocketBase): Promise<unknown> {
  const collections = (await pb.collections.getFullList()).sort((a, b) => a.name.localeCompare(b.name));
  const records: Record<string, unknown> = {};
  for (const c of collections) records[c.name] = await pb.collection(c.name).getFullList({ sort: "id" });
  const settings = await pb.settings.getAll();
  return { collections, records, settings };
}

async function downloadBackup(pb: PocketBase, key: string): Promise<Uint8Array> {
  const token = await pb.files.getToken();
  return new Uint8Array(await (await fetch(pb.backups.getDownloadURL(token, key))).arrayBuffer());
}

describe.runIf(withPostgres)("a backup of one store restores into the other", () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  for (const [from, to] of [
    ["sqlite", "postgres"],
    ["postgres", "sqlite"],
  ] as const) {
    it(`${from} → ${to}: same collections, records, settings and file bytes`, async () => {
      const source = await startServer(from);
      const target = await startServer(to);
      servers.push(source, target);
      const su = await source.superuserClient();
      await createShop(su);
      await su.backups.create("move.zip");
      const tsu = await target.superuserClient();
      await tsu.backups.upload({ file: new File([await downloadBackup(su, "move.zip")], "move.zip") });
      await tsu.backups.restore("move.zip");
      // The restored superusers are the source's: sign in again (same credentials in both).
      await tsu.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
      expect(await apiContents(tsu)).toEqual(await apiContents(su));
      expect(await storedFiles(target.app.services)).toEqual(await storedFiles(source.app.services));
    });
  }
});

describe.runIf(withPostgres)("restore on one node of a PostgreSQL cluster", () => {
  const store = sharedStore("postgres");
  let a: App;
  let b: App;
  let urlB: string;

  beforeAll(async () => {
    a = await store.open();
    b = await store.open();
    await a.listen();
    urlB = await b.listen();
    await a.services.records.create(
      "_superusers",
      { email: SUPERUSER.email, password: SUPERUSER.password, passwordConfirm: SUPERUSER.password },
      systemContext(),
    );
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await store.dispose();
  });

  it("every node serves the restored data and collections, and drops its realtime connections", async () => {
    const pbA = new PocketBase(`http://127.0.0.1:${(a.http.server.address() as { port: number }).port}`);
    await pbA.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    const pbB = new PocketBase(urlB);
    await pbB.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    await pbA.collections.create({
      name: "notes",
      type: "base",
      fields: [{ name: "text", type: "text" }],
      listRule: "",
    });
    await pbA.collection("notes").create({ text: "before" });
    await pbA.backups.create("cluster.zip");

    expect(await eventually(() => b.services.registry.get("notes") !== undefined)).toBe(true);
    await pbB.collection("notes").create({ text: "after" });
    await pbB.collections.create({ name: "later", type: "base", fields: [] });
    await pbB.settings.update({ meta: { appName: "Changed on B" } });
    const sse = new AbortController();
    const stream = await fetch(`${urlB}/api/realtime`, { signal: sse.signal });
    expect(stream.status).toBe(200);
    expect(await eventually(() => b.services.realtime.size === 1)).toBe(true);

    await pbA.backups.restore("cluster.zip");

    expect(await eventually(async () => (await pbB.collection("notes").getFullList()).length === 1)).toBe(
      true,
    );
    expect((await pbB.collection("notes").getFullList()).map((n) => n.text)).toEqual(["before"]);
    // Node B reloads the catalogue within about a second (it polls the catalogue version).
    expect(await eventually(() => b.services.registry.get("later") === undefined)).toBe(true);
    await expect(pbB.collections.getOne("later")).rejects.toMatchObject({ status: 404 });
    expect(await eventually(async () => (await pbB.settings.getAll()).meta.appName === "Backroom")).toBe(
      true,
    );
    expect(await eventually(() => b.services.realtime.size === 0)).toBe(true);
    sse.abort();
  });
});
