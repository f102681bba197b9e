import { Readable } from "node:stream";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../test-support/server.js";
import { sweepOrphans } from "./orphan-sweep.js";
import { S3Storage } from "./s3-storage.js";
import { createFilesCollection, storedKeys } from "./test-support/files-fixture.js";
import { sharedS3Server } from "./test-support/storage-matrix.js";

// What the SDK-driven files suite (http/routes/files.sdk.test.ts, which runs on S3 too) can't see:
// the storage's own contract and the orphan sweep's grace period on shared storage.

const s3 = sharedS3Server();

function storageWithPrefix(prefix: string): S3Storage {
  const { bucket, endpoint, accessKeyId, secretAccessKey } = s3();
  return new S3Storage({
    bucket,
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    accessKeyId,
    secretAccessKey,
    prefix,
  });
}

/** A body that yields `bytes` bytes and then fails, as a client that disconnects mid-upload does. */
function failingBody(bytes: number): Readable {
  async function* chunks() {
    for (let sent = 0; sent < bytes; sent += 1024 * 1024)
      yield Buffer.alloc(Math.min(1024 * 1024, bytes - sent));
    throw new Error("client went away");
  }
  return Readable.from(chunks());
}

describe("S3 storage (s3rver process)", () => {
  let a: S3Storage;
  let b: S3Storage;
  beforeAll(() => {
    a = storageWithPrefix("app-a");
    b = storageWithPrefix("app-b/");
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("keeps apps that share a bucket apart by key prefix", async () => {
    await a.write("c1/r1/x.txt", Readable.from([Buffer.from("from a")]), "text/plain");
    await b.write("c1/r1/x.txt", Readable.from([Buffer.from("from b")]), "text/plain");
    expect(await storedKeys(a)).toEqual(["c1/r1/x.txt"]);
    expect((await a.stat("c1/r1/x.txt"))?.contentType).toBe("text/plain");
    await a.move("c1/r1/x.txt", "c1/r2/y.txt");
    await a.deletePrefix("c1/r2/");
    expect(await storedKeys(a)).toEqual([]);
    let text = "";
    for await (const chunk of await b.read("c1/r1/x.txt", { start: 5, end: 5 })) text += String(chunk);
    expect(text).toBe("b");
  });

  it.each([
    ["a small body (one PutObject)", 3 * 1024 * 1024],
    ["a body past one part (multipart upload)", 9 * 1024 * 1024],
  ])("leaves nothing at the key when %s fails midway", async (_label, bytes) => {
    await expect(a.write("c1/r1/broken.bin", failingBody(bytes), "application/octet-stream")).rejects.toThrow(
      "client went away",
    );
    expect(await a.stat("c1/r1/broken.bin")).toBeNull();
    expect(await storedKeys(a)).toEqual([]);
  });

  describe("orphan sweep", () => {
    let server: TestServer;
    let su: PocketBase;
    let coll: { name: string; id: string };
    beforeAll(async () => {
      server = await startServer("sqlite", { s3: s3() });
      su = await server.superuserClient();
      coll = await createFilesCollection(su, (await su.collections.getOne("users")).id);
    });
    afterAll(() => server?.close());

    it("spares objects younger than the grace period and removes them past it", async () => {
      const storage = server.app.services.files;
      expect(storage.shared).toBe(true);
      const kept = await su.collection(coll.name).create({ documents: [new File(["keep"], "k.txt")] });
      await storage.write(".tmp/leftover", Readable.from([Buffer.from("x")]), "text/plain");
      const orphan = `${coll.id}/${kept.id}/orphan_abcdefghij.txt`;
      await storage.write(orphan, Readable.from([Buffer.from("o")]), "text/plain");
      const { registry, records } = server.app.services;
      // Objects younger than an hour are spared on shared storage (other nodes may be uploading)...
      const now = await sweepOrphans(storage, registry, records.query, new Date());
      expect(now.removed).toEqual([]);
      // ...and removed once they are older than that.
      const later = await sweepOrphans(storage, registry, records.query, new Date(Date.now() + 2 * 3600_000));
      expect(later.removed.sort()).toEqual([orphan, ".tmp/leftover"].sort());
      expect(await storedKeys(storage, `${coll.id}/${kept.id}/`)).toEqual([
        `${coll.id}/${kept.id}/${kept.documents[0]}`,
      ]);
    });
  });
});
