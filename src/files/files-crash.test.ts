import { Readable } from "node:stream";
import PocketBase from "pocketbase";
import { afterAll, describe, expect, it } from "vitest";
import { SUPERUSER } from "../test-support/server.js";
import { fileKey } from "./storage.js";
import { createFilesCollection, eventually, storedKeys } from "./test-support/files-fixture.js";
import { type ServerSite, serverSite } from "./test-support/server-process.js";
import { sharedS3Server, storageMatrix } from "./test-support/storage-matrix.js";
import { streamUpload } from "./test-support/streaming-upload.js";

const MB = 1024 * 1024;
const HOUR = 3600_000;
const s3 = sharedS3Server();

async function signIn(url: string): Promise<PocketBase> {
  const su = new PocketBase(url);
  su.autoCancellation(false);
  await su.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
  return su;
}

describe.each(await storageMatrix())("a server killed mid-upload (%s, %s storage)", (kind, storageKind) => {
  let site: ServerSite | undefined;
  afterAll(() => site?.dispose());

  it("restarts with no record pointing at a missing file, and the sweep removes the orphans", {
    timeout: 120_000,
  }, async () => {
    site = await serverSite(kind, storageKind, storageKind === "s3" ? s3() : undefined);
    const { storage } = site;
    const first = await site.start();
    let su = await signIn(first.url);
    const coll = await createFilesCollection(su, (await su.collections.getOne("users")).id);
    const kept = await su.collection(coll.name).create({ documents: [new File(["survives"], "k.txt")] });

    // SIGKILL while the server streams a part to storage: on local or database storage, once its
    // temp object is there; on S3, once past one multipart part (8 MB) of it.
    const upload = await streamUpload({
      url: `${first.url}/api/collections/${coll.name}/records`,
      field: "big",
      fileBytes: 9.5 * MB,
      abortAfter: 9 * MB,
      token: su.authStore.token,
      beforeAbort: async () => {
        if (storageKind !== "s3")
          await eventually(async () => (await storedKeys(storage, ".tmp/")).length > 0);
        await first.kill();
      },
    });
    expect(upload.status).toBeUndefined();
    // The other crash windows: an upload stored under .tmp/ whose request never ended, and a file
    // placed under a record by a write whose commit never happened.
    const leftovers = [".tmp/crashedupload0000000001", fileKey(coll.id, kept.id, "placed_abcdefghij.txt")];
    for (const key of leftovers)
      await storage.write(key, Readable.from([Buffer.from("orphan")]), "text/plain");
    const orphans = await storedKeys(storage, ".tmp/");
    expect(orphans.length).toBeGreaterThan(storageKind !== "s3" ? 1 : 0);

    const second = await site.start();
    const swept = await second.swept;
    su = await signIn(second.url);
    const records = await su.collection(coll.name).getFullList();
    expect(records.map((r) => r.id)).toEqual([kept.id]);
    for (const record of records) {
      for (const name of record.documents as string[]) {
        expect(await storage.stat(fileKey(coll.id, record.id, name))).not.toBeNull();
        const res = await fetch(`${second.url}/api/files/${coll.name}/${record.id}/${name}`);
        expect(await res.text()).toBe("survives");
      }
    }
    const expected = [...orphans, leftovers[1] as string].sort();
    if (storageKind === "local") {
      // A node's own folder: nothing older than this start can still be in flight.
      expect(swept?.removed.sort()).toEqual(expected);
    } else {
      // Shared storage: other nodes may be uploading, so the start spares what is under an hour
      // old, and a start an hour later removes it.
      expect(swept?.removed).toEqual([]);
      await second.stop();
      const later = await site.start({ sweepAsOf: new Date(Date.now() + 2 * HOUR) });
      expect((await later.swept)?.removed.sort()).toEqual(expected);
    }
    expect(await storedKeys(storage, ".tmp/")).toEqual([]);
    expect(await storedKeys(storage, `${coll.id}/`)).toEqual(
      records.flatMap((r) => (r.documents as string[]).map((n) => fileKey(coll.id, r.id, n))),
    );
  });
});
