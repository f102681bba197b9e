import type PocketBase from "pocketbase";
import type { ClientResponseError } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FileStorage } from "../../files/storage.js";
import { createFilesCollection, eventually, storedKeys } from "../../files/test-support/files-fixture.js";
import { sharedS3Server, storageMatrix } from "../../files/test-support/storage-matrix.js";
import { countRecords, expectRawError, expectSdkError, raw } from "../../test-support/api.js";
import { startServer, type TestServer } from "../../test-support/server.js";
import { MAX_BATCH_FILES } from "./batch.js";

/** The code of a field issue inside a failed sub-request's own error response. */
function subIssue(err: ClientResponseError | { data?: unknown }, index: number, field: string): unknown {
  const requests = (err as { data?: { data?: { requests?: Record<string, unknown> } } }).data?.data?.requests;
  const sub = requests?.[String(index)] as {
    code?: string;
    response?: { data?: Record<string, { code?: string }> };
  };
  expect(sub?.code).toBe("batch_request_failed");
  return sub?.response?.data?.[field]?.code;
}

const s3 = sharedS3Server();

describe.each(await storageMatrix())("batch with files (%s, %s storage)", (kind, storageKind) => {
  let server: TestServer;
  let su: PocketBase;
  let coll: { name: string; id: string };
  let storage: FileStorage;

  beforeAll(async () => {
    server = await startServer(kind, storageKind === "s3" ? { s3: s3() } : {});
    storage = server.app.services.files;
    su = await server.superuserClient();
    coll = await createFilesCollection(su, (await su.collections.getOne("users")).id);
  });
  afterAll(() => server?.close());

  const download = async (recordId: string, name: string) =>
    (await raw(server.url, `/api/files/${coll.name}/${recordId}/${encodeURIComponent(name)}`)).text;

  /** Waits until storage holds nothing that wasn't there before (and no upload in flight). */
  const nothingNewSince = async (before: string[]) =>
    eventually(async () => (await storedKeys(storage)).every((key) => before.includes(key)));

  it("creates, updates and upserts with files through the SDK's createBatch(), in one request", async () => {
    const existing = await su.collection(coll.name).create({
      title: "existing",
      documents: [new File(["old one"], "1.txt"), new File(["old two"], "2.txt")],
    });
    const [oldOne, oldTwo] = existing.documents as string[];
    const batch = su.createBatch();
    batch.collection(coll.name).create({
      title: "created",
      avatar: new File(["avatar bytes"], "face.txt"),
      documents: [new File(["a"], "a.txt"), new File(["b"], "b.txt")],
    });
    // `documents-` goes as JSON, `documents+` as a `requests.1.documents+` file part.
    batch.collection(coll.name).update(existing.id, {
      "documents-": [oldOne],
      "documents+": new File(["appended"], "c.txt"),
    });
    batch.collection(coll.name).upsert({ id: "upsertedfile001", documents: new File(["upserted"], "u.txt") });
    const results = await batch.send();
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);

    const created = results[0]?.body as { id: string; avatar: string; documents: string[] };
    expect(created.avatar).toMatch(/^face_[a-z0-9]{10}\.txt$/);
    expect(created.documents).toHaveLength(2);
    expect(await download(created.id, created.avatar)).toBe("avatar bytes");
    expect(await download(created.id, created.documents[1] as string)).toBe("b");

    const updated = results[1]?.body as { documents: string[] };
    expect(updated.documents).toHaveLength(2);
    expect(updated.documents[0]).toBe(oldTwo);
    expect(await download(existing.id, updated.documents[1] as string)).toBe("appended");
    expect(
      await eventually(
        async () =>
          !(await storedKeys(storage, `${coll.id}/${existing.id}/`)).some((k) => k.endsWith(`/${oldOne}`)),
      ),
    ).toBe(true);

    const upserted = results[2]?.body as { id: string; documents: string[] };
    expect(upserted.id).toBe("upsertedfile001");
    expect(await download(upserted.id, upserted.documents[0] as string)).toBe("upserted");
    expect(await storedKeys(storage, ".tmp/")).toEqual([]);
  });

  it("keeps the names a mixed list holds and appends its files (the SDK's documents+ split)", async () => {
    const rec = await su.collection(coll.name).create({ documents: [new File(["kept"], "k.txt")] });
    const kept = rec.documents[0] as string;
    const batch = su.createBatch();
    batch.collection(coll.name).update(rec.id, { documents: [kept, new File(["new"], "n.txt")] });
    const [result] = await batch.send();
    expect(result?.status).toBe(200);
    const documents = (result?.body as { documents?: string[] } | undefined)?.documents ?? [];
    expect(documents).toHaveLength(2);
    expect(documents[0]).toBe(kept);
    expect(await download(rec.id, documents[1] as string)).toBe("new");
  });

  it("a failing sub-request rolls back the records and removes the files placed before it", async () => {
    const before = await storedKeys(storage);
    const records = await countRecords(su, coll.name);
    const batch = su.createBatch();
    batch.collection(coll.name).create({ title: "first", documents: new File(["placed"], "p.txt") });
    batch.collection(coll.name).create({ title: "second", avatar: new File(["also placed"], "q.txt") });
    batch
      .collection(coll.name)
      .create({ pngOnly: new File(["not a png"], "fake.png", { type: "image/png" }) });
    const err = await expectSdkError(batch.send(), 400);
    expect(subIssue(err, 2, "pngOnly")).toBe("validation_invalid_mime_type");
    expect(await countRecords(su, coll.name)).toBe(records);
    expect(await nothingNewSince(before)).toBe(true);
  });

  it("checks each file against its own field: too many for maxSelect, too big for maxSize", async () => {
    const before = await storedKeys(storage);
    const records = await countRecords(su, coll.name);
    const tooMany = su.createBatch();
    tooMany.collection(coll.name).create({ title: "ok" });
    tooMany
      .collection(coll.name)
      .create({ documents: ["1", "2", "3", "4"].map((n) => new File([n], `${n}.txt`)) });
    expect(subIssue(await expectSdkError(tooMany.send(), 400), 1, "documents")).toBe(
      "validation_too_many_files",
    );

    const tooBig = su.createBatch();
    tooBig.collection(coll.name).create({ documents: new File([Buffer.alloc(100 * 1024 + 1)], "big.bin") });
    expect(subIssue(await expectSdkError(tooBig.send(), 400), 0, "documents")).toBe(
      "validation_file_size_limit",
    );
    expect(await countRecords(su, coll.name)).toBe(records);
    expect(await nothingNewSince(before)).toBe(true);
  });

  describe("hostile batch bodies", () => {
    const post = (form: FormData) =>
      raw(server.url, "/api/batch", { method: "POST", body: form, token: su.authStore.token });
    const batchForm = (requests: unknown[], files: [string, File][]) => {
      const form = new FormData();
      for (const [name, file] of files) form.append(name, file);
      form.append("@jsonPayload", JSON.stringify({ requests }));
      return form;
    };
    const create = (body: Record<string, unknown> = {}) => ({
      method: "POST",
      url: `/api/collections/${coll.name}/records`,
      body,
    });

    it.each([
      [
        "a file for a request index the batch doesn't have",
        [["requests.3.documents", "x"]],
        "validation_missing_request",
      ],
      [
        "a file for an index past the batch maximum",
        [["requests.999.documents", "x"]],
        "validation_invalid_file_part",
      ],
      ["a file part not named after a request", [["documents", "x"]], "validation_invalid_file_part"],
      [
        "a file part with a traversal name",
        [["requests.0.../../documents", "x"]],
        "validation_invalid_file_part",
      ],
    ])("%s → 400, nothing written", async (_label, parts, code) => {
      const before = await storedKeys(storage);
      const records = await countRecords(su, coll.name);
      const files = (parts as [string, string][]).map(([name, text]): [string, File] => [
        name,
        new File([text], "f.txt"),
      ]);
      const res = await post(batchForm([create({ title: "hostile" })], files));
      expectRawError(res, 400);
      expect(JSON.stringify((res.body as { data: unknown }).data)).toContain(code);
      expect(await countRecords(su, coll.name)).toBe(records);
      expect(await nothingNewSince(before)).toBe(true);
    });

    it("a file for a field that isn't a file field, or in a delete → 400, nothing written", async () => {
      const before = await storedKeys(storage);
      const target = await su.collection(coll.name).create({ title: "target" });
      const records = await countRecords(su, coll.name);
      const notFile = await post(batchForm([create()], [["requests.0.title", new File(["x"], "t.txt")]]));
      expectRawError(notFile, 400);
      expect(JSON.stringify(notFile.body)).toContain("is not a file field");
      const inDelete = await post(
        batchForm(
          [create(), { method: "DELETE", url: `/api/collections/${coll.name}/records/${target.id}` }],
          [["requests.1.documents", new File(["x"], "d.txt")]],
        ),
      );
      expectRawError(inDelete, 400);
      expect(await countRecords(su, coll.name)).toBe(records);
      expect(await nothingNewSince(before)).toBe(true);
    });

    it(`more than ${MAX_BATCH_FILES} files → 400 at the first one too many, nothing written`, async () => {
      const before = await storedKeys(storage);
      const records = await countRecords(su, coll.name);
      const files = Array.from({ length: MAX_BATCH_FILES + 1 }, (_, i): [string, File] => [
        `requests.${i % 50}.documents`,
        new File([`f${i}`], `${i}.txt`),
      ]);
      const requests = Array.from({ length: 50 }, () => create());
      const res = await post(batchForm(requests, files));
      expectRawError(res, 400);
      expect(JSON.stringify(res.body)).toContain("validation_too_many_files");
      expect(await countRecords(su, coll.name)).toBe(records);
      expect(await nothingNewSince(before)).toBe(true);
    });

    it("a file past the largest limit of any field is cut off while streaming → 400, nothing written", async () => {
      const before = await storedKeys(storage);
      const records = await countRecords(su, coll.name);
      // `big` allows 10 MB, the most of any file field on this server.
      const huge = new File([Buffer.alloc(10 * 1024 * 1024 + 1)], "huge.bin");
      const res = await post(batchForm([create()], [["requests.0.big", huge]]));
      expectRawError(res, 400);
      const sub = (
        res.body as {
          data: { requests: Record<string, { response: { data: Record<string, { code: string }> } }> };
        }
      ).data.requests["0"];
      expect(sub?.response.data.big?.code).toBe("validation_file_size_limit");
      expect(await countRecords(su, coll.name)).toBe(records);
      expect(await nothingNewSince(before)).toBe(true);
      expect((await raw(server.url, "/api/health")).status).toBe(200);
    });
  });
});
