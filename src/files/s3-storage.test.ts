import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import { loadConfig } from "../config/config.js";
import { systemContext } from "../records/request-context.js";
import { raw } from "../test-support/api.js";
import { type S3TestServer, startS3Server } from "../test-support/s3-server.js";
import { SUPERUSER } from "../test-support/server.js";
import { sweepOrphans } from "./orphan-sweep.js";
import type { FileStorage } from "./storage.js";
import { createFilesCollection, eventually } from "./test-support/files-fixture.js";
import { pngOf } from "./test-support/images.js";

async function keys(storage: FileStorage, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const o of storage.list(prefix)) out.push(o.key);
  return out.sort();
}

describe("files on S3 (s3rver process)", () => {
  let s3: S3TestServer;
  let app: App;
  let url: string;
  let dir: string;
  let su: PocketBase;
  let coll: { name: string; id: string };

  beforeAll(async () => {
    s3 = await startS3Server();
    dir = mkdtempSync(join(tmpdir(), "backroom-s3-app-"));
    const config = loadConfig(
      {
        http: "127.0.0.1:0",
        dir,
        logLevel: "silent",
        s3Bucket: s3.bucket,
        s3Endpoint: s3.endpoint,
        s3ForcePathStyle: true,
        s3Prefix: "app1",
      },
      { BACKROOM_S3_ACCESS_KEY: s3.accessKeyId, BACKROOM_S3_SECRET: s3.secretAccessKey },
    );
    expect(config.files.kind).toBe("s3");
    app = await createApp(config);
    await app.services.records.create(
      "_superusers",
      { ...SUPERUSER, passwordConfirm: SUPERUSER.password, verified: true },
      systemContext(),
    );
    await app.services.settings.update({ rateLimits: { enabled: false } }, null);
    url = await app.listen();
    su = new PocketBase(url);
    su.autoCancellation(false);
    await su.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    coll = await createFilesCollection(su, (await su.collections.getOne("users")).id);
  });
  afterAll(async () => {
    await app?.close();
    await s3?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("uploads, downloads (with ranges and thumbs), replaces and deletes objects", async () => {
    const storage = app.services.files;
    const png = await pngOf(80, 40);
    const rec = await su.collection(coll.name).create({
      avatar: new File([png], "s3.png"),
      documents: [new File(["hello s3 world"], "h.txt")],
    });
    const fileUrl = (name: string, q = "") => `/api/files/${coll.name}/${rec.id}/${name}${q}`;
    const res = await fetch(new URL(fileUrl(rec.avatar), url));
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    const part = await raw(url, fileUrl(rec.documents[0]), { headers: { range: "bytes=6-7" } });
    expect(part.status).toBe(206);
    expect(part.text).toBe("s3");
    const thumb = await fetch(new URL(fileUrl(rec.avatar, "?thumb=50x50"), url));
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([50, 50]);
    expect(await keys(storage, `${coll.id}/${rec.id}/`)).toHaveLength(3);

    const updated = await su.collection(coll.name).update(rec.id, { avatar: new File([png], "new.png") });
    expect(updated.avatar).not.toBe(rec.avatar);
    expect(
      await eventually(
        async () => !(await keys(storage, `${coll.id}/${rec.id}/`)).some((k) => k.includes(rec.avatar)),
      ),
    ).toBe(true);
    await su.collection(coll.name).delete(rec.id);
    expect(await eventually(async () => (await keys(storage, `${coll.id}/${rec.id}/`)).length === 0)).toBe(
      true,
    );
    expect(await keys(storage, ".tmp/")).toEqual([]);
  });

  it("streams a multi-part-sized upload (over 8 MB) through S3 multipart upload", async () => {
    const big = Buffer.alloc(9 * 1024 * 1024, 7);
    const rec = await su.collection(coll.name).create({ big: new File([big], "big.bin") });
    const res = await fetch(new URL(`/api/files/${coll.name}/${rec.id}/${rec.big}`, url));
    expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true);
  });

  it("sweeps unreferenced objects past the shared-storage grace period", async () => {
    const storage = app.services.files;
    const { Readable } = await import("node:stream");
    const kept = await su.collection(coll.name).create({ documents: [new File(["keep"], "k.txt")] });
    await storage.write(".tmp/leftover", Readable.from([Buffer.from("x")]), "text/plain");
    await storage.write(
      `${coll.id}/${kept.id}/orphan_abcdefghij.txt`,
      Readable.from([Buffer.from("o")]),
      "text/plain",
    );
    const { query } = app.services.records;
    // Objects younger than an hour are spared on shared storage (other nodes may be uploading)...
    const now = await sweepOrphans(storage, app.services.registry, query, new Date());
    expect(now.removed).toEqual([]);
    // ...and removed once they are older than that.
    const later = await sweepOrphans(
      storage,
      app.services.registry,
      query,
      new Date(Date.now() + 2 * 3600_000),
    );
    expect(later.removed.sort()).toEqual(
      [`${coll.id}/${kept.id}/orphan_abcdefghij.txt`, ".tmp/leftover"].sort(),
    );
    expect(await keys(storage, `${coll.id}/${kept.id}/`)).toEqual([
      `${coll.id}/${kept.id}/${kept.documents[0]}`,
    ]);
  });
});
