import { createServer } from "node:net";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFilesCollection } from "../../files/test-support/files-fixture.js";
import { sharedS3Server } from "../../files/test-support/storage-matrix.js";
import { expectSdkError, issueCode, raw, signedInUser } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const s3 = sharedS3Server();

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function bucketKeys(prefix: string): Promise<string[]> {
  const { endpoint, bucket, accessKeyId, secretAccessKey } = s3();
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (listed.Contents ?? []).map((o) => o.Key ?? "");
  } finally {
    client.destroy();
  }
}

describe.each(await storesUnderTest())("storage settings (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  const s3Settings = () => ({
    enabled: true,
    bucket: s3().bucket,
    region: "us-east-1",
    endpoint: s3().endpoint,
    accessKey: s3().accessKeyId,
    secret: s3().secretAccessKey,
    forcePathStyle: true,
  });

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
  });
  afterAll(() => server?.close());

  it("starts on its default storage (SQLite: the local folder; PostgreSQL: the database), S3 off", async () => {
    const settings = await su.settings.getAll();
    expect(settings.s3).toEqual({
      enabled: false,
      bucket: "",
      region: "",
      endpoint: "",
      accessKey: "",
      secret: "",
      forcePathStyle: false,
    });
    const where = await su.send("/api/settings/storage", {});
    expect(where).toEqual({ source: "settings", kind: kind === "postgres" ? "database" : "local" });
  });

  it("refuses enabling S3 without a bucket, region, endpoint and credentials, naming each field", async () => {
    const err = await expectSdkError(su.settings.update({ s3: { enabled: true } }), 400);
    for (const field of ["bucket", "region", "endpoint", "accessKey", "secret"])
      expect(issueCode(err, "s3", field)).toBe("validation_required");
    const badUrl = await expectSdkError(su.settings.update({ s3: { endpoint: "ftp://files" } }), 400);
    expect(issueCode(badUrl, "s3", "endpoint")).toBe("validation_is_url");
    const wrongType = await expectSdkError(su.settings.update({ s3: { enabled: "yes" } }), 400);
    expect(issueCode(wrongType, "s3", "enabled")).toBe("validation_invalid_value");
    const unknown = await expectSdkError(su.settings.update({ s3: { acl: "public" } }), 400);
    expect(issueCode(unknown, "s3", "acl")).toBe("validation_unknown_field");
    const huge = await expectSdkError(su.settings.update({ s3: { bucket: "b".repeat(5000) } }), 400);
    expect(issueCode(huge, "s3", "bucket")).toBe("validation_length_too_long");
    expect((await su.settings.getAll()).s3.enabled).toBe(false);
  });

  it("only superusers read or test storage settings", async () => {
    const { pb } = await signedInUser(() => server.client());
    const token = pb.authStore.token;
    for (const [method, path] of [
      ["GET", "/api/settings/storage"],
      ["POST", "/api/settings/test/s3"],
    ] as const) {
      expect((await raw(server.url, path, { method, body: method === "POST" ? {} : undefined })).status).toBe(
        401,
      );
      expect(
        (await raw(server.url, path, { method, token, body: method === "POST" ? {} : undefined })).status,
      ).toBe(403);
    }
  });

  it("says what is wrong when testing S3 that is off, unreachable or has no such bucket", async () => {
    const off = await expectSdkError(su.settings.testS3(), 400);
    expect(off.message).toMatch(/not enabled/);
    await su.settings.update({ s3: { ...s3Settings(), endpoint: `http://127.0.0.1:${await closedPort()}` } });
    const started = Date.now();
    const unreachable = await expectSdkError(su.settings.testS3(), 400);
    expect(unreachable.message).toMatch(/^S3 check failed at write: /);
    expect(Date.now() - started).toBeLessThan(10_000);
    // (The S3 test server accepts any credentials; a bucket that does not exist is refused.)
    await su.settings.update({ s3: { ...s3Settings(), bucket: "no-such-bucket", secret: "do-not-echo" } });
    const missing = await expectSdkError(su.settings.testS3(), 400);
    expect(missing.message).toMatch(/^S3 check failed at write: .*NoSuchBucket/);
    expect(missing.message).not.toContain("do-not-echo");
    const backups = await expectSdkError(su.settings.testS3("backups"), 400);
    expect(issueCode(backups, "filesystem")).toBe("validation_invalid_value");
    await su.settings.update({ s3: { enabled: false } });
  });

  it("switches uploads to the bucket when S3 is enabled, and back to the folder when it is turned off", async () => {
    await su.settings.update({ s3: { enabled: false } });
    const users = await su.collections.getOne("users");
    const coll = await createFilesCollection(su, users.id);
    const local = await su
      .collection(coll.name)
      .create({ title: "local", documents: [new File(["on disk"], "a.txt")] });
    expect(await bucketKeys(`${coll.id}/`)).toEqual([]);

    const saved = await su.settings.update({ s3: s3Settings() });
    expect(saved.s3.secret).toBe(""); // masked on read
    expect(saved.s3.accessKey).toBe(s3().accessKeyId);
    await su.settings.testS3();
    expect(await su.send("/api/settings/storage", {})).toEqual({
      source: "settings",
      kind: "s3",
      bucket: s3().bucket,
    });

    const remote = await su
      .collection(coll.name)
      .create({ title: "s3", documents: [new File(["in the bucket"], "b.txt")] });
    const name = remote.documents[0] as string;
    expect(await bucketKeys(`${coll.id}/${remote.id}/`)).toEqual([`${coll.id}/${remote.id}/${name}`]);
    const download = await raw(server.url, `/api/files/${coll.name}/${remote.id}/${name}`);
    expect(download.status).toBe(200);
    expect(download.text).toBe("in the bucket");

    // Saving other settings keeps the stored secret (sent back blank, as the API shows it).
    await su.settings.update({ s3: { ...s3Settings(), secret: "" }, meta: { appName: "Shop" } });
    expect((await raw(server.url, `/api/files/${coll.name}/${remote.id}/${name}`)).text).toBe(
      "in the bucket",
    );

    await su.settings.update({ s3: { enabled: false } });
    const back = await su
      .collection(coll.name)
      .create({ title: "local again", documents: [new File(["disk"], "c.txt")] });
    expect(await bucketKeys(`${coll.id}/${back.id}/`)).toEqual([]);
    const localName = local.documents[0] as string;
    expect((await raw(server.url, `/api/files/${coll.name}/${local.id}/${localName}`)).text).toBe("on disk");
    expect((await raw(server.url, `/api/files/${coll.name}/${back.id}/${back.documents[0]}`)).text).toBe(
      "disk",
    );
  });
});

describe("storage set by the environment", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer("sqlite", { s3: s3() });
  });
  afterAll(() => server?.close());

  it("wins over settings, and the API says so", async () => {
    const su = await server.superuserClient();
    const where = (await su.send("/api/settings/storage", {})) as { source: string; kind: string };
    expect(where).toMatchObject({ source: "environment", kind: "s3" });
    await su.settings.update({ s3: { enabled: false } });
    expect(server.app.services.files.shared).toBe(true);
  });
});
