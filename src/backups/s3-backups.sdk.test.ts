import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedS3Server } from "../files/test-support/storage-matrix.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { createShop } from "./test-support/shop-data.js";
import { storeContents, storedFiles } from "./test-support/store-contents.js";

const s3 = sharedS3Server();

async function bucketRoot(): Promise<string[]> {
  const { endpoint, bucket, accessKeyId, secretAccessKey } = s3();
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/" }));
    return (listed.Contents ?? []).map((o) => o.Key ?? "");
  } finally {
    client.destroy();
  }
}

describe.each(await storesUnderTest())("backups kept in S3, of files kept in S3 (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind, { s3: s3() });
    su = await server.superuserClient();
    await createShop(su);
    await su.settings.update({
      backups: {
        s3: {
          enabled: true,
          bucket: s3().bucket,
          region: "us-east-1",
          endpoint: s3().endpoint,
          accessKey: s3().accessKeyId,
          secret: s3().secretAccessKey,
          forcePathStyle: true,
        },
      },
    });
  });
  afterAll(() => server?.close());

  it("creates, lists, downloads, restores and deletes backups in the bucket", async () => {
    const rows = await storeContents(server.app.services);
    const files = await storedFiles(server.app.services);
    const name = `s3-${kind}.zip`;
    await su.backups.create(name);
    expect(await bucketRoot()).toContain(name);
    expect((await su.backups.getFullList()).map((b) => b.key)).toContain(name);
    const token = await su.files.getToken();
    const res = await fetch(su.backups.getDownloadURL(token, name));
    expect(res.status).toBe(200);
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe("PK");

    const products = await su.collection("products").getFullList();
    for (const p of products) await su.collection("products").delete(p.id);
    await server.app.services.events.settle();
    expect(await storedFiles(server.app.services)).not.toEqual(files);

    await su.backups.restore(name);
    expect(await storeContents(server.app.services)).toEqual(rows);
    expect(await storedFiles(server.app.services)).toEqual(files);
    await su.backups.delete(name);
    expect(await bucketRoot()).not.toContain(name);
  });
});
