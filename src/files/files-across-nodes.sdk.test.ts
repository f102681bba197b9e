import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import { loadConfig } from "../config/config.js";
import { signedInUser } from "../test-support/api.js";
import { type Nodes, startNodes } from "../test-support/nodes.js";
import { PG_URL, SUPERUSER, startServer, storesUnderTest } from "../test-support/server.js";
import { copiedMarker } from "./import-local-folder.js";
import { createFilesCollection, eventually, storedKeys } from "./test-support/files-fixture.js";
import { pngOf } from "./test-support/images.js";

// PostgreSQL only: several nodes share one database, and with it (by default) the files.
const postgres = (await storesUnderTest()).includes("postgres");

async function get(base: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(new URL(path, base), { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe.runIf(postgres)("files across nodes (3 nodes, files in the database)", () => {
  let nodes: Nodes;
  let su: PocketBase;
  let coll: { name: string; id: string };
  let alice: Awaited<ReturnType<typeof signedInUser>>;
  const [a, b, c] = [0, 1, 2];
  const url = (node: number) => nodes.urls[node] as string;

  beforeAll(async () => {
    nodes = await startNodes(3);
    su = await nodes.first.superuserClient();
    coll = await createFilesCollection(su, (await su.collections.getOne("users")).id);
    alice = await signedInUser(() => nodes.first.client());
    for (const app of nodes.apps) await app.services.registry.load();
  });
  afterAll(() => nodes?.close());

  const fileUrl = (recordId: string, name: string, query = "") =>
    `/api/files/${coll.name}/${recordId}/${encodeURIComponent(name)}${query}`;

  it("a file uploaded through one node downloads through every node: whole, by range, as a thumb", async () => {
    const big = randomBytes(700 * 1024); // three chunks of storage, the last one short
    const png = await pngOf(100, 50);
    const viaA = new PocketBase(url(a));
    await viaA.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    const rec = await viaA.collection(coll.name).create({
      title: "uploaded through A",
      big: new File([big], "big.bin"),
      avatar: new File([png], "photo.png", { type: "image/png" }),
    });
    for (const node of [a, b, c]) {
      const whole = await get(url(node), fileUrl(rec.id, rec.big));
      expect(whole.status).toBe(200);
      expect(whole.bytes.equals(big)).toBe(true);
    }
    // Across the chunk boundaries (256 KiB, 512 KiB), and a suffix.
    const part = await get(url(b), fileUrl(rec.id, rec.big), { range: "bytes=262000-524400" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 262000-524400/${big.length}`);
    expect(part.bytes.equals(big.subarray(262000, 524401))).toBe(true);
    const tail = await get(url(c), fileUrl(rec.id, rec.big), { range: "bytes=-100" });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(big.subarray(big.length - 100))).toBe(true);
    // A thumb made on B is served by C as it is.
    const thumbB = await get(url(b), fileUrl(rec.id, rec.avatar, "?thumb=50x50"));
    expect(thumbB.headers.get("content-type")).toBe("image/png");
    expect(await sharp(thumbB.bytes).metadata()).toMatchObject({ width: 50, height: 50 });
    const thumbC = await get(url(c), fileUrl(rec.id, rec.avatar, "?thumb=50x50"));
    expect(thumbC.bytes.equals(thumbB.bytes)).toBe(true);
    expect(thumbC.headers.get("etag")).toBe(thumbB.headers.get("etag"));
  });

  it("a protected file downloads through another node with a file token from a third", async () => {
    const rec = await su
      .collection(coll.name)
      .create({ owner: alice.id, secret: new File(["top secret"], "s.txt") });
    expect((await get(url(b), fileUrl(rec.id, rec.secret))).status).toBe(404);
    alice.pb.baseURL = url(a);
    const token = await alice.pb.files.getToken();
    const ok = await get(url(c), fileUrl(rec.id, rec.secret, `?token=${token}`));
    expect(ok.status).toBe(200);
    expect(ok.bytes.toString()).toBe("top secret");
  });

  it("a record deleted through one node takes its files away from every node", async () => {
    const rec = await su
      .collection(coll.name)
      .create({ documents: [new File(["one"], "1.txt"), new File(["two"], "2.txt")] });
    await get(url(b), fileUrl(rec.id, rec.documents[0], "")); // served once, so nothing is cached in a node
    const viaB = new PocketBase(url(b));
    await viaB.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    await viaB.collection(coll.name).delete(rec.id);
    const storage = nodes.apps[c]?.services.files;
    if (!storage) throw new Error("no node C");
    expect(
      await eventually(async () => (await storedKeys(storage, `${coll.id}/${rec.id}/`)).length === 0),
    ).toBe(true);
    for (const node of [a, b, c])
      for (const name of rec.documents as string[])
        expect((await get(url(node), fileUrl(rec.id, name))).status).toBe(404);
  });
});

describe.runIf(postgres)("files a PostgreSQL node kept in its folder before", () => {
  const dir = mkdtempSync(join(tmpdir(), "backroom-import-"));
  const otherDir = mkdtempSync(join(tmpdir(), "backroom-import-other-"));
  const apps: App[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    rmSync(dir, { recursive: true, force: true });
    rmSync(otherDir, { recursive: true, force: true });
  });

  it("are copied into the database at the next start, once, and served by every node", async () => {
    const first = await startServer("postgres");
    const store = first.app.services.config.store;
    const schema = store.kind === "postgres" ? (store.schema ?? "") : "";
    const node = async (dataDir: string, filesDir?: string) => {
      const app = await createApp(
        loadConfig({
          http: "127.0.0.1:0",
          dir: dataDir,
          db: PG_URL,
          dbSchema: schema,
          logLevel: "silent",
          hooks: join(dataDir, "no-hooks"),
          ...(filesDir ? { filesDir } : {}),
        }),
      );
      apps.push(app);
      return { app, url: await app.listen() };
    };
    try {
      const su = await first.superuserClient();
      const coll = await createFilesCollection(su, (await su.collections.getOne("users")).id);
      // As before: a node keeping its files in its own folder.
      const old = await node(dir, join(dir, "storage"));
      await old.app.services.registry.load();
      const pb = new PocketBase(old.url);
      await pb.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
      const rec = await pb.collection(coll.name).create({ documents: [new File(["kept on disk"], "d.txt")] });
      await old.app.close();
      const path = `/api/files/${coll.name}/${rec.id}/${rec.documents[0]}`;

      const upgraded = await node(dir);
      expect(existsSync(copiedMarker(join(dir, "storage")))).toBe(true);
      const other = await node(otherDir);
      for (const base of [upgraded.url, other.url, first.url]) {
        const res = await get(base, path);
        expect(res.status).toBe(200);
        expect(res.bytes.toString()).toBe("kept on disk");
      }
      // The folder is left as it was; a later start doesn't copy it again.
      expect(existsSync(join(dir, "storage", coll.id, rec.id, rec.documents[0]))).toBe(true);
      await su.collection(coll.name).delete(rec.id);
      const held = () => storedKeys(first.app.services.files, `${coll.id}/${rec.id}/`);
      expect(await eventually(async () => (await held()).length === 0)).toBe(true);
      await upgraded.app.close();
      await node(dir);
      expect(await held()).toEqual([]);
    } finally {
      await first.close();
    }
  });
});
