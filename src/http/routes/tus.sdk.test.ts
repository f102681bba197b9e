import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import type PocketBase from "pocketbase";
import { type HttpRequest, Upload, type UploadOptions } from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Collection } from "../../collections/model.js";
import { eventually, storedKeys } from "../../files/test-support/files-fixture.js";
import { sharedS3Server, storageMatrix } from "../../files/test-support/storage-matrix.js";
import { TUS_PREFIX } from "../../files/tus/tus-pieces.js";
import { systemContext } from "../../records/request-context.js";
import {
  expectRawError,
  expectSdkError,
  issueCode,
  raw,
  signedInUser,
  uniqueName,
} from "../../test-support/api.js";
import { type CuttingProxy, startCuttingProxy } from "../../test-support/cutting-proxy.js";
import { startServer, type TestServer } from "../../test-support/server.js";

const KB = 1024;
const TUS = { "tus-resumable": "1.0.0" };

function metadataHeader(meta: Record<string, string>): string {
  return Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString("base64")}`)
    .join(",");
}

/** One upload with tus-js-client, the real client; resolves with the upload's URL when it finished. */
function tusUpload(
  file: Buffer,
  opts: UploadOptions & { endpoint: string },
): Promise<{ url: string; upload: Upload }> {
  return new Promise((resolve, reject) => {
    const upload: Upload = new Upload(file, {
      retryDelays: null,
      ...opts,
      onSuccess: () => resolve({ url: upload.url as string, upload }),
      onError: reject,
    });
    upload.start();
  });
}

const s3 = sharedS3Server();

describe.each(await storageMatrix())("resumable uploads with tus (%s, %s storage)", (kind, storageKind) => {
  let server: TestServer;
  let proxy: CuttingProxy;
  let su: PocketBase;
  let name: string;
  let alice: { pb: PocketBase; id: string };
  let bob: { pb: PocketBase; id: string };
  let endpoint: string;

  beforeAll(async () => {
    server = await startServer(kind, storageKind === "s3" ? { s3: s3() } : {});
    proxy = await startCuttingProxy(server.url);
    endpoint = `${server.url}/api/tus/`;
    su = await server.superuserClient();
    const users = await su.collections.getOne("users");
    name = uniqueName("albums");
    await su.collections.create({
      name,
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "owner", type: "relation", collectionId: users.id, maxSelect: 1 },
        { name: "doc", type: "file", maxSelect: 1, maxSize: 4 * 1024 * KB },
        { name: "photos", type: "file", maxSelect: 2, maxSize: 1024 * KB },
        { name: "pngOnly", type: "file", maxSelect: 1, mimeTypes: ["image/png"] },
      ],
      listRule: "owner = @request.auth.id",
      viewRule: "owner = @request.auth.id",
      createRule: "@request.auth.id != '' && owner = @request.auth.id",
      updateRule: "owner = @request.auth.id",
      deleteRule: "owner = @request.auth.id",
    });
    alice = await signedInUser(server.client);
    bob = await signedInUser(server.client);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  const albumOf = (owner: { pb: PocketBase; id: string }) =>
    owner.pb.collection(name).create({ title: "trip", owner: owner.id });
  const fileBytes = async (record: Record<string, unknown>, field: string) => {
    const url = su.files.getURL(record, record[field] as string);
    return Buffer.from(await (await fetch(url)).arrayBuffer());
  };
  /** The stored pieces of the upload at this URL or path. */
  const piecesOf = (urlOrPath: string) =>
    storedKeys(server.app.services.files, `${TUS_PREFIX}${urlOrPath.split("/").pop()}/`);
  const headers = (who: { pb: PocketBase }) => ({ Authorization: who.pb.authStore.token });
  /** POST /api/tus by hand; returns the raw answer and the upload's path. */
  const createRaw = async (who: { pb: PocketBase }, meta: Record<string, string>, length: number) => {
    const res = await raw(server.url, "/api/tus", {
      method: "POST",
      token: who.pb.authStore.token,
      headers: { ...TUS, "upload-length": String(length), "upload-metadata": metadataHeader(meta) },
    });
    return { res, path: res.headers.get("location") ?? "" };
  };
  const patchRaw = (who: { pb: PocketBase }, path: string, offset: number, body: Uint8Array, more = {}) =>
    raw(server.url, path, {
      method: "PATCH",
      token: who.pb.authStore.token,
      body,
      headers: {
        ...TUS,
        "content-type": "application/offset+octet-stream",
        "upload-offset": String(offset),
        ...more,
      },
    });

  it("lets a page on another origin read the tus headers, and only tus answers list them", async () => {
    const album = await albumOf(alice);
    const origin = { origin: "http://shop.example" };
    const res = await raw(server.url, "/api/tus", {
      method: "POST",
      token: alice.pb.authStore.token,
      headers: {
        ...TUS,
        ...origin,
        "upload-length": "5",
        "upload-metadata": metadataHeader({
          collection: name,
          field: "doc",
          recordId: album.id,
          filename: "a.txt",
        }),
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const exposed = (res.headers.get("access-control-expose-headers") ?? "").toLowerCase().split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(["location", "upload-offset", "tus-resumable"]));
    // A refusal (no Tus-Resumable) lists them too: the client reads Tus-Version from it.
    const refused = await raw(server.url, "/api/tus", { method: "POST", headers: origin });
    expect(refused.status).toBe(412);
    expect(refused.headers.get("access-control-expose-headers")).toContain("Tus-Version");
    // Any other API answer does not carry the list.
    const list = await raw(server.url, `/api/collections/${name}/records`, {
      token: alice.pb.authStore.token,
      headers: origin,
    });
    expect(list.status).toBe(200);
    expect(list.headers.get("access-control-expose-headers")).toBeNull();
  });

  it("uploads in chunks and attaches the file to the record on the last byte", async () => {
    const album = await albumOf(alice);
    const file = randomBytes(300 * KB);
    const { url } = await tusUpload(file, {
      endpoint,
      chunkSize: 64 * KB,
      headers: headers(alice),
      metadata: { collection: name, field: "doc", recordId: album.id, filename: "notes.bin" },
    });
    const record = await alice.pb.collection(name).getOne(album.id);
    expect(record.doc).toMatch(/^notes_\w{10}\.bin$/);
    expect((await fileBytes(record, "doc")).equals(file)).toBe(true);
    // The attach is an ordinary update by the uploader: audited as hers, with the field it changed.
    const audit = (await su.send("/api/audit", {
      query: { filter: `recordId = "${album.id}" && action = "record.update"` },
    })) as { items: { actorId: string; changes: string[] }[] };
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ actorId: alice.id, changes: ["doc"] });
    // Done uploads are gone, bytes included.
    expect(
      (await raw(url, "", { method: "HEAD", token: alice.pb.authStore.token, headers: TUS })).status,
    ).toBe(404);
    expect(await piecesOf(url)).toEqual([]);
  });

  it("resumes from the offset the server reports after the connection is cut mid-upload", async () => {
    const album = await albumOf(alice);
    const file = randomBytes(1536 * KB);
    const options = {
      endpoint: `${proxy.url}/api/tus/`,
      headers: headers(alice),
      metadata: { collection: name, field: "doc", recordId: album.id, filename: "video.bin" },
    };
    let uploadUrl: string | null = null;
    proxy.cutAfter(700 * KB);
    await expect(
      tusUpload(file, {
        ...options,
        onBeforeRequest: (req: HttpRequest) => {
          if (req.getMethod() === "POST") return;
          uploadUrl ??= req.getURL();
        },
      }),
    ).rejects.toThrow();
    expect(proxy.cut()).toBe(true);
    expect(uploadUrl).not.toBeNull();
    const path = new URL(uploadUrl as unknown as string).pathname;
    // The client can learn of the cut before the server has even begun that request: the bytes
    // it got are reported once it has (a resume asked earlier would send them again, and the late
    // request would then be refused by the offset check).
    let head = await raw(server.url, path, { method: "HEAD", token: alice.pb.authStore.token, headers: TUS });
    await eventually(async () => {
      head = await raw(server.url, path, { method: "HEAD", token: alice.pb.authStore.token, headers: TUS });
      return Number(head.headers.get("upload-offset")) > 0;
    });
    expect(head.status).toBe(200);
    const held = Number(head.headers.get("upload-offset"));
    // Everything that went through before the cut is kept: resuming sends only the rest.
    expect(held).toBeGreaterThan(500 * KB);
    expect(held).toBeLessThan(700 * KB);
    expect(head.headers.get("upload-length")).toBe(String(file.length));
    const resumedFrom: string[] = [];
    await tusUpload(file, {
      ...options,
      uploadUrl: `${server.url}${path}`,
      onBeforeRequest: (req: HttpRequest) => {
        if (req.getMethod() === "PATCH") resumedFrom.push(req.getHeader("Upload-Offset") ?? "");
      },
    });
    expect(resumedFrom).toEqual([String(held)]);
    const record = await alice.pb.collection(name).getOne(album.id);
    expect((await fileBytes(record, "doc")).equals(file)).toBe(true);
  });

  it("resumes by itself after a cut, with the client's retryDelays", async () => {
    const album = await albumOf(alice);
    const file = randomBytes(1024 * KB);
    const patches: string[] = [];
    proxy.cutAfter(400 * KB);
    await tusUpload(file, {
      endpoint: `${proxy.url}/api/tus/`,
      headers: headers(alice),
      metadata: { collection: name, field: "doc", recordId: album.id, filename: "auto.bin" },
      retryDelays: [50, 200, 1000],
      onBeforeRequest: (req: HttpRequest) => {
        if (req.getMethod() === "PATCH") patches.push(req.getHeader("Upload-Offset") ?? "");
      },
    });
    expect(proxy.cut()).toBe(true);
    // Resumed from what the server held when the client asked (all of it, or nothing yet: see above).
    expect(patches.length).toBeGreaterThanOrEqual(2);
    const record = await alice.pb.collection(name).getOne(album.id);
    expect((await fileBytes(record, "doc")).equals(file)).toBe(true);
  });

  it("a newer request takes over from a PATCH whose connection died silently, keeping its bytes", async () => {
    const album = await albumOf(alice);
    const meta = { collection: name, field: "doc", recordId: album.id, filename: "stall.bin" };
    const { path } = await createRaw(alice, meta, 1000);
    // Headers and half the body, then nothing: a phone that lost its network sends no reset.
    const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(
      `PATCH ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${alice.pb.authStore.token}\r\n` +
        "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n" +
        "Upload-Offset: 0\r\nContent-Length: 1000\r\n\r\n",
    );
    socket.write(randomBytes(400));
    socket.on("error", () => {});
    try {
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      const head = await raw(server.url, path, {
        method: "HEAD",
        token: alice.pb.authStore.token,
        headers: TUS,
      });
      expect(head.status).toBe(200);
      expect(head.headers.get("upload-offset")).toBe("400");
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      socket.destroy();
    }
  });

  it("lets a create name a finished upload as tus:<id>, once, through the create rule", async () => {
    const file = randomBytes(40 * KB);
    const { url } = await tusUpload(file, {
      endpoint,
      headers: headers(alice),
      metadata: { collection: name, field: "photos", filename: "beach.jpg" },
    });
    const ref = `tus:${url.split("/").pop()}`;
    // Someone else can't use it.
    const stolen = await expectSdkError(
      bob.pb.collection(name).create({ title: "mine", owner: bob.id, "photos+": [ref] }),
      400,
    );
    expect(issueCode(stolen, "photos")).toBe("validation_invalid_file");
    const record = await alice.pb.collection(name).create({ title: "beach", owner: alice.id, photos: [ref] });
    expect(record.photos).toHaveLength(1);
    expect(
      (await fileBytes({ ...record, photos: (record.photos as string[])[0] }, "photos")).equals(file),
    ).toBe(true);
    // Spent: a second use is refused.
    await expectSdkError(
      alice.pb.collection(name).create({ title: "again", owner: alice.id, photos: [ref] }),
      400,
    );
  });

  it("refuses uploads to a record the requester may not update, at creation and at completion", async () => {
    const album = await albumOf(alice);
    const meta = { collection: name, field: "doc", recordId: album.id, filename: "x.bin" };
    expectRawError((await createRaw(bob, meta, 10)).res, 404);
    // Allowed at creation, then the record changes hands before the last byte.
    const { res, path } = await createRaw(alice, meta, 10);
    expect(res.status).toBe(201);
    expect(res.headers.get("tus-resumable")).toBe("1.0.0");
    await patchRaw(alice, path, 0, randomBytes(4)).then((r) => expect(r.status).toBe(204));
    await su.collection(name).update(album.id, { owner: bob.id });
    expectRawError(await patchRaw(alice, path, 4, randomBytes(6)), 404);
    expect((await su.collection(name).getOne(album.id)).doc).toBe("");
    // A refused attach ends the upload and removes its bytes.
    expect(
      (await raw(server.url, path, { method: "HEAD", token: alice.pb.authStore.token, headers: TUS })).status,
    ).toBe(404);
    expect(await piecesOf(path)).toEqual([]);
  });

  it("validates the finished file as a multipart upload: sniffed type against mimeTypes", async () => {
    const album = await albumOf(alice);
    const err = await tusUpload(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'></svg>"), {
      endpoint,
      headers: headers(alice),
      metadata: { collection: name, field: "pngOnly", recordId: album.id, filename: "fake.png" },
    }).catch((e: Error & { originalResponse?: { getStatus(): number; getBody(): string } }) => e);
    expect(err).toBeInstanceOf(Error);
    const response = (err as { originalResponse?: { getStatus(): number; getBody(): string } })
      .originalResponse;
    expect(response?.getStatus()).toBe(400);
    const body = JSON.parse(response?.getBody() ?? "{}");
    expect(body.data.pngOnly.code).toBe("validation_invalid_mime_type");
    expect((await su.collection(name).getOne(album.id)).pngOnly).toBe("");
  });

  it("appends to a multi-file field up to its maxSelect, as field+ would", async () => {
    const album = await albumOf(alice);
    const send = (bytes: Buffer) =>
      tusUpload(bytes, {
        endpoint,
        headers: headers(alice),
        metadata: { collection: name, field: "photos", recordId: album.id, filename: "p.bin" },
      });
    const [one, two] = [randomBytes(2 * KB), randomBytes(3 * KB)];
    await send(one);
    await send(two);
    const full = await alice.pb.collection(name).getOne(album.id);
    expect(full.photos).toHaveLength(2);
    const third = await send(randomBytes(KB)).catch(
      (e: { originalResponse?: { getStatus(): number; getBody(): string } }) => e,
    );
    const response = (third as { originalResponse?: { getStatus(): number; getBody(): string } })
      .originalResponse;
    expect(response?.getStatus()).toBe(400);
    expect(JSON.parse(response?.getBody() ?? "{}").data.photos.code).toBe("validation_too_many_files");
    expect((await alice.pb.collection(name).getOne(album.id)).photos).toEqual(full.photos);
  });

  it("answers hostile requests with 4xx in the API's error shape and writes nothing", async () => {
    const album = await albumOf(alice);
    const meta = { collection: name, field: "doc", recordId: album.id, filename: "a.bin" };
    // Upload-Length over the field's maxSize: 413 at creation, with the tus headers.
    const huge = await createRaw(alice, meta, 4 * 1024 * KB + 1);
    expectRawError(huge.res, 413);
    expect(huge.res.headers.get("tus-resumable")).toBe("1.0.0");
    expectRawError((await createRaw(alice, meta, 10 ** 15)).res, 413);
    // Guests, bad headers, bad metadata.
    expectRawError(
      await raw(server.url, "/api/tus", {
        method: "POST",
        headers: { ...TUS, "upload-length": "5", "upload-metadata": metadataHeader(meta) },
      }),
      401,
    );
    expectRawError(
      await raw(server.url, "/api/tus", {
        method: "POST",
        token: alice.pb.authStore.token,
        headers: { "upload-length": "5", "upload-metadata": metadataHeader(meta) },
      }),
      412,
    );
    for (const bad of ["-1", "1e3", "abc", ""]) {
      const res = await raw(server.url, "/api/tus", {
        method: "POST",
        token: alice.pb.authStore.token,
        headers: { ...TUS, "upload-length": bad, "upload-metadata": metadataHeader(meta) },
      });
      expectRawError(res, 400);
    }
    for (const badMeta of ["collection", "collection !!!", "a b c", `collection ${"x".repeat(5000)}`]) {
      const res = await raw(server.url, "/api/tus", {
        method: "POST",
        token: alice.pb.authStore.token,
        headers: { ...TUS, "upload-length": "5", "upload-metadata": badMeta },
      });
      expectRawError(res, 400);
    }
    expectRawError((await createRaw(alice, { ...meta, field: "title" }, 5)).res, 400);
    expectRawError((await createRaw(alice, { ...meta, collection: "nope" }, 5)).res, 404);

    const { path } = await createRaw(alice, meta, 10);
    // Offsets that are not the upload's: 409, nothing stored.
    expectRawError(await patchRaw(alice, path, 3, randomBytes(2)), 409);
    expectRawError(await patchRaw(alice, path, 0, randomBytes(2), { "upload-offset": "-5" }), 400);
    // Wrong body type: 415. A body past Upload-Length: 413.
    expectRawError(
      await patchRaw(alice, path, 0, randomBytes(2), { "content-type": "application/json" }),
      415,
    );
    expectRawError(await patchRaw(alice, path, 0, randomBytes(11)), 413);
    // Unknown ids and other people's uploads look the same: 404.
    expectRawError(await patchRaw(alice, "/api/tus/doesnotexist", 0, randomBytes(2)), 404);
    expectRawError(await patchRaw(alice, `/api/tus/${"x".repeat(300)}`, 0, randomBytes(2)), 404);
    expectRawError(await patchRaw(bob, path, 0, randomBytes(2)), 404);
    expect(
      (await raw(server.url, path, { method: "HEAD", token: bob.pb.authStore.token, headers: TUS })).status,
    ).toBe(404);
    expectRawError(
      await raw(server.url, path, { method: "DELETE", token: bob.pb.authStore.token, headers: TUS }),
      404,
    );
    const head = await raw(server.url, path, {
      method: "HEAD",
      token: alice.pb.authStore.token,
      headers: TUS,
    });
    expect(head.headers.get("upload-offset")).toBe("0");
    // Termination by the owner.
    const gone = await raw(server.url, path, {
      method: "DELETE",
      token: alice.pb.authStore.token,
      headers: TUS,
    });
    expect(gone.status).toBe(204);
    expect(
      (await raw(server.url, path, { method: "HEAD", token: alice.pb.authStore.token, headers: TUS })).status,
    ).toBe(404);
    expect((await su.collection(name).getOne(album.id)).doc).toBe("");
    expect(await piecesOf(path)).toEqual([]);
  });

  it("bounds unfinished uploads per user and expires abandoned ones", async () => {
    await su.settings.update({ tus: { maxUploadsPerUser: 2 } });
    try {
      const meta = { collection: name, field: "photos", filename: "p.bin" };
      const first = await createRaw(bob, meta, 10);
      await patchRaw(bob, first.path, 0, randomBytes(3));
      const second = await createRaw(bob, meta, 10);
      expect(second.res.status).toBe(201);
      expectRawError((await createRaw(bob, meta, 10)).res, 429);
      // Others are not held back by bob's uploads.
      const carol = await signedInUser(server.client);
      expect((await createRaw(carol, meta, 10)).res.status).toBe(201);
      // Started at the same moment, creations still can't get past the bound together.
      const dave = await signedInUser(server.client);
      const { services } = server.app;
      const ctx = {
        ...systemContext(),
        superuser: false,
        auth: {
          record: { id: dave.id },
          collection: services.registry.get("users") as Collection,
          isSuperuser: false,
        },
      };
      const input = { length: 10, metadata: new Map(Object.entries(meta)), rawMetadata: "" };
      const burst = await Promise.allSettled([1, 2, 3, 4, 5].map(() => services.tus.create(ctx, input)));
      expect(burst.filter((b) => b.status === "fulfilled")).toHaveLength(2);
      // Bob's first upload is abandoned: a day later it has expired (410), then the job removes it.
      const dayAgo = new Date(Date.now() - 25 * 3600_000).toISOString().replace("T", " ");
      await server.app.services.store.db
        .updateTable("_tus_uploads")
        .set({ updated: dayAgo })
        .where("id", "=", first.path.split("/").pop() as string)
        .execute();
      const head = () =>
        raw(server.url, first.path, { method: "HEAD", token: bob.pb.authStore.token, headers: TUS });
      expect((await head()).status).toBe(410);
      expect(await piecesOf(first.path)).toHaveLength(1);
      expect((await createRaw(bob, meta, 10)).res.status).toBe(201);
      expect(await server.app.services.tus.expire()).toBeGreaterThanOrEqual(1);
      expect((await head()).status).toBe(404);
      expect(await piecesOf(first.path)).toEqual([]);
    } finally {
      await su.settings.update({ tus: { maxUploadsPerUser: 10 } });
    }
  });

  it("answers OPTIONS with the protocol's version and extensions", async () => {
    const res = await fetch(`${server.url}/api/tus`, { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("tus-version")).toBe("1.0.0");
    expect(res.headers.get("tus-extension")).toContain("creation");
  });
});
