import type PocketBase from "pocketbase";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FileStorage } from "../../files/storage.js";
import { createFilesCollection, eventually, storedKeys } from "../../files/test-support/files-fixture.js";
import { pixelFloodPng, pngOf } from "../../files/test-support/images.js";
import { sharedS3Server, storageMatrix } from "../../files/test-support/storage-matrix.js";
import { expectSdkError, issueCode, raw, signedInUser } from "../../test-support/api.js";
import { startServer, type TestServer } from "../../test-support/server.js";

const STORED_NAME = /^[A-Za-z0-9_-]+_[a-z0-9]{10}(\.[a-z0-9]+)?$/;
const s3 = sharedS3Server();

describe.each(await storageMatrix())("files (%s, %s storage)", (kind, storageKind) => {
  let server: TestServer;
  let su: PocketBase;
  let coll: { name: string; id: string };
  let storage: FileStorage;
  let png: Buffer;

  beforeAll(async () => {
    server = await startServer(kind, storageKind === "s3" ? { s3: s3() } : {});
    storage = server.app.services.files;
    expect(storage.shared).toBe(storageKind !== "local");
    su = await server.superuserClient();
    const users = await su.collections.getOne("users");
    coll = await createFilesCollection(su, users.id);
    png = await pngOf(100, 50);
  });
  afterAll(() => server?.close());

  const fileUrl = (recordId: string, name: string, query = "") =>
    `/api/files/${coll.name}/${recordId}/${encodeURIComponent(name)}${query}`;
  const recordKeys = (recordId: string) => storedKeys(storage, `${coll.id}/${recordId}/`);
  const noUploadsInFlight = async () => (await storedKeys(storage, ".tmp/")).length === 0;

  it("uploads with the SDK (File values), downloads the same bytes with a sniffed type", async () => {
    const rec = await su.collection(coll.name).create({
      title: "one",
      avatar: new File([png], "photo.PNG", { type: "image/png" }),
    });
    expect(rec.avatar).toMatch(/^photo_[a-z0-9]{10}\.png$/);
    const res = await fetch(new URL(fileUrl(rec.id, rec.avatar), server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toMatch(/^inline; filename="photo_/);
    expect(res.headers.get("cache-control")).toContain("max-age");
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    expect(await recordKeys(rec.id)).toEqual([`${coll.id}/${rec.id}/${rec.avatar}`]);
    const download = await raw(server.url, fileUrl(rec.id, rec.avatar, "?download=1"));
    expect(download.headers.get("content-disposition")).toMatch(/^attachment;/);
  });

  it("creates from FormData, appends with field+, removes with field-, replaces and clears", async () => {
    const form = new FormData();
    form.append("title", "docs");
    form.append("documents", new File(["alpha"], "a.txt"));
    form.append("documents", new File(["beta"], "b.txt"));
    const rec = await su.collection(coll.name).create(form);
    expect(rec.documents).toHaveLength(2);
    const [a, b] = rec.documents as string[];

    const appended = await su
      .collection(coll.name)
      .update(rec.id, { "documents+": new File(["gamma"], "c.txt") });
    expect(appended.documents).toHaveLength(3);
    expect(appended.documents.slice(0, 2)).toEqual([a, b]);
    const c = appended.documents[2] as string;
    expect((await raw(server.url, fileUrl(rec.id, c))).text).toBe("gamma");

    const removed = await su.collection(coll.name).update(rec.id, { "documents-": [a] });
    expect(removed.documents).toEqual([b, c]);
    expect(await eventually(async () => !(await recordKeys(rec.id)).some((k) => k.endsWith(`/${a}`)))).toBe(
      true,
    );
    expect((await raw(server.url, fileUrl(rec.id, a as string))).status).toBe(404);

    // A plain key sets the list: kept names plus new uploads; the rest are deleted after commit.
    const replaced = await su
      .collection(coll.name)
      .update(rec.id, { documents: [c, new File(["delta"], "d.txt")] });
    expect(replaced.documents).toHaveLength(2);
    expect(replaced.documents[0]).toBe(c);
    expect(await eventually(async () => (await recordKeys(rec.id)).length === 2)).toBe(true);

    const cleared = await su.collection(coll.name).update(rec.id, { documents: [] });
    expect(cleared.documents).toEqual([]);
    expect(await eventually(async () => (await recordKeys(rec.id)).length === 0)).toBe(true);
  });

  it("applies field-, field+ and plain keys of one multipart update (@jsonPayload for the lists)", async () => {
    const rec = await su.collection(coll.name).create({
      documents: [new File(["one"], "1.txt"), new File(["two"], "2.txt")],
    });
    const [first, second] = rec.documents as string[];
    // The SDK sends the name list as @jsonPayload, the file as a "documents+" part, the title as a field.
    const updated = await su.collection(coll.name).update(rec.id, {
      title: "mixed",
      "documents-": [first],
      "documents+": new File(["three"], "3.txt"),
    });
    expect(updated.title).toBe("mixed");
    expect(updated.documents).toHaveLength(2);
    expect(updated.documents[0]).toBe(second);
    expect(updated.documents[1]).toMatch(/^3_[a-z0-9]{10}\.txt$/);
    expect((await raw(server.url, fileUrl(rec.id, updated.documents[1]))).text).toBe("three");
    expect(
      await eventually(async () => !(await recordKeys(rec.id)).some((k) => k.endsWith(`/${first}`))),
    ).toBe(true);
  });

  it("streams an upload bigger than one S3 part and serves it back intact", async () => {
    const big = Buffer.alloc(9 * 1024 * 1024, 7);
    big.write("head", 0);
    big.write("tail", big.length - 4);
    const rec = await su.collection(coll.name).create({ big: new File([big], "big.bin") });
    const res = await fetch(new URL(fileUrl(rec.id, rec.big), server.url));
    expect(res.headers.get("content-length")).toBe(String(big.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(big)).toBe(true);
  });

  it("enforces maxSelect, maxSize and mimeTypes, and leaves nothing behind", async () => {
    const tooMany = su.collection(coll.name).create({
      documents: ["1", "2", "3", "4"].map((n) => new File([n], `${n}.txt`)),
    });
    expect(issueCode(await expectSdkError(tooMany, 400), "documents")).toBe("validation_too_many_files");
    const tooBig = su.collection(coll.name).create({
      documents: new File([Buffer.alloc(100 * 1024 + 1)], "big.bin"),
    });
    expect(issueCode(await expectSdkError(tooBig, 400), "documents")).toBe("validation_file_size_limit");
    const wrongType = su.collection(coll.name).create({
      pngOnly: new File(["just text"], "fake.png", { type: "image/png" }),
    });
    expect(issueCode(await expectSdkError(wrongType, 400), "pngOnly")).toBe("validation_invalid_mime_type");
    expect(await eventually(noUploadsInFlight)).toBe(true);
  });

  it("refuses names the record doesn't hold (no pointing at other files)", async () => {
    const other = await su.collection(coll.name).create({ documents: new File(["x"], "x.txt") });
    const err = await expectSdkError(
      su.collection(coll.name).create({ documents: [other.documents[0]] }),
      400,
    );
    expect(issueCode(err, "documents")).toBe("validation_invalid_file");
  });

  it("deletes a record's files after the record is deleted", async () => {
    const rec = await su.collection(coll.name).create({
      avatar: new File([png], "p.png"),
      documents: [new File(["1"], "1.txt")],
    });
    await raw(server.url, fileUrl(rec.id, rec.avatar, "?thumb=50x50"));
    expect(await recordKeys(rec.id)).toHaveLength(3);
    await su.collection(coll.name).delete(rec.id);
    expect(await eventually(async () => (await recordKeys(rec.id)).length === 0)).toBe(true);
    expect((await raw(server.url, fileUrl(rec.id, rec.avatar))).status).toBe(404);
  });

  it("serves protected files only with a file token whose owner passes viewRule", async () => {
    const owner = await signedInUser(() => server.client());
    const stranger = await signedInUser(() => server.client());
    const rec = await su
      .collection(coll.name)
      .create({ owner: owner.id, secret: new File(["top secret"], "s.txt") });
    expect((await raw(server.url, fileUrl(rec.id, rec.secret))).status).toBe(404);
    expect((await raw(server.url, fileUrl(rec.id, rec.secret, "?token=nonsense"))).status).toBe(404);
    const ownerToken = await owner.pb.files.getToken();
    const ok = await raw(server.url, fileUrl(rec.id, rec.secret, `?token=${ownerToken}`));
    expect(ok.status).toBe(200);
    expect(ok.text).toBe("top secret");
    expect(ok.headers.get("cache-control")).toContain("private");
    expect(owner.pb.files.getURL(rec, rec.secret, { token: ownerToken })).toContain("token=");
    const strangerToken = await stranger.pb.files.getToken();
    expect((await raw(server.url, fileUrl(rec.id, rec.secret, `?token=${strangerToken}`))).status).toBe(404);
    // An auth token is not a file token.
    const authToken = owner.pb.authStore.token;
    expect((await raw(server.url, fileUrl(rec.id, rec.secret, `?token=${authToken}`))).status).toBe(404);
    expect((await raw(server.url, "/api/files/token", { method: "POST" })).status).toBe(401);
  });

  it("makes the listed thumbs once, next to the original, and serves the original otherwise", async () => {
    const rec = await su.collection(coll.name).create({ avatar: new File([png], "pic.png") });
    const size = async (query: string) => {
      const res = await fetch(new URL(fileUrl(rec.id, rec.avatar, query), server.url));
      expect(res.status).toBe(200);
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      return [meta.width, meta.height, meta.format];
    };
    expect(await size("?thumb=50x50")).toEqual([50, 50, "png"]);
    expect(await size("?thumb=20x0")).toEqual([20, 10, "png"]);
    expect(await size("?thumb=0x20")).toEqual([40, 20, "png"]);
    expect(await size("?thumb=30x30t")).toEqual([30, 30, "png"]);
    expect(await size("?thumb=40x40f")).toEqual([40, 20, "png"]);
    expect(await size("?thumb=100x100")).toEqual([100, 100, "png"]); // PocketBase's default size
    expect(await size("?thumb=77x77")).toEqual([100, 50, "png"]); // not listed: the original
    expect(await recordKeys(rec.id)).toContain(
      `${coll.id}/${rec.id}/thumbs_${rec.avatar}/50x50_${rec.avatar}`,
    );
  });

  it("answers Range requests and conditional requests", async () => {
    const text = "0123456789abcdefghij";
    const rec = await su.collection(coll.name).create({ documents: new File([text], "r.txt") });
    const url = fileUrl(rec.id, rec.documents[0]);
    const part = await raw(server.url, url, { headers: { range: "bytes=2-5" } });
    expect(part.status).toBe(206);
    expect(part.text).toBe("2345");
    expect(part.headers.get("content-range")).toBe(`bytes 2-5/${text.length}`);
    const suffix = await raw(server.url, url, { headers: { range: "bytes=-3" } });
    expect(suffix.text).toBe("hij");
    const bad = await raw(server.url, url, { headers: { range: "bytes=500-" } });
    expect(bad.status).toBe(416);
    const full = await raw(server.url, url);
    const etag = full.headers.get("etag") as string;
    expect(etag).toBeTruthy();
    expect(full.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const cached = await raw(server.url, url, { headers: { "if-none-match": etag } });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe("");
  });

  describe("hostile uploads", () => {
    it("keeps only a safe base name: no traversal, no NUL, no control characters", async () => {
      const form = new FormData();
      form.append("documents", new File(["t"], "../../x.png"));
      form.append("documents", new File(["n"], "evil\0name\r\n.txt"));
      form.append("documents", new File(["w"], "..\\..\\win.ini"));
      const rec = await su.collection(coll.name).create(form);
      for (const name of rec.documents as string[]) {
        expect(name).toMatch(STORED_NAME);
        expect(name).not.toContain("..");
      }
      expect(rec.documents[0]).toMatch(/^x_[a-z0-9]{10}\.png$/);
      expect(await recordKeys(rec.id)).toHaveLength(3);
      expect((await storedKeys(storage)).every((k) => !k.includes(".."))).toBe(true);
    });

    it("serves HTML disguised as image/png as an attachment of a safe type", async () => {
      const html = "<!doctype html><html><script>alert(document.cookie)</script></html>";
      const rec = await su
        .collection(coll.name)
        .create({ avatar: new File([html], "innocent.png", { type: "image/png" }) });
      const res = await raw(server.url, fileUrl(rec.id, rec.avatar));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
      expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    });

    it("serves SVG (which can carry script) as an attachment", async () => {
      const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
      const rec = await su
        .collection(coll.name)
        .create({ avatar: new File([svg], "logo.svg", { type: "image/svg+xml" }) });
      const res = await raw(server.url, fileUrl(rec.id, rec.avatar, "?download=0"));
      expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
      expect(res.headers.get("content-type")).toBe("application/octet-stream");
    });

    it("answers a pixel-flood PNG thumb with the original, and stays healthy", async () => {
      const flood = pixelFloodPng();
      const rec = await su.collection(coll.name).create({ avatar: new File([flood], "flood.png") });
      const res = await fetch(new URL(fileUrl(rec.id, rec.avatar, "?thumb=50x50"), server.url));
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(flood)).toBe(true);
      expect((await raw(server.url, "/api/health")).status).toBe(200);
      // No thumb was kept, and no half-made one waits anywhere.
      expect(await recordKeys(rec.id)).toEqual([`${coll.id}/${rec.id}/${rec.avatar}`]);
      expect(await eventually(noUploadsInFlight)).toBe(true);
    });

    it("keeps nothing of refused uploads: no record, no stored file", async () => {
      const before = await storedKeys(storage);
      const err = await expectSdkError(
        su.collection(coll.name).create({
          title: "refused",
          documents: [new File(["fine"], "ok.txt"), new File([Buffer.alloc(100 * 1024 + 1)], "big.txt")],
        }),
        400,
      );
      expect(issueCode(err, "documents")).toBe("validation_file_size_limit");
      expect(await su.collection(coll.name).getList(1, 1, { filter: 'title = "refused"' })).toMatchObject({
        totalItems: 0,
      });
      const isNew = (key: string) => !before.includes(key);
      expect(await eventually(async () => !(await storedKeys(storage)).some(isNew))).toBe(true);
    });
  });
});
