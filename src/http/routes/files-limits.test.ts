import { join } from "node:path";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFilesCollection, eventually, storedKeys } from "../../files/test-support/files-fixture.js";
import { streamUpload } from "../../files/test-support/streaming-upload.js";
import { countRecords, raw } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const MB = 1024 * 1024;

describe.each(await storesUnderTest())("upload limits and disconnects (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let coll: { name: string; id: string };
  let storageDir: string;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    const users = await su.collections.getOne("users");
    coll = await createFilesCollection(su, users.id);
    storageDir = join(server.app.services.config.dir, "storage");
  });
  afterAll(() => server?.close());

  const createUrl = () => `${server.url}/api/collections/${coll.name}/records`;

  it("cuts a 200 MB upload off soon after the 10 MB limit, with flat memory", async () => {
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const result = await streamUpload({
      url: createUrl(),
      field: "big",
      fileBytes: 200 * MB,
      token: su.authStore.token,
    });
    clearInterval(sampler);
    // The server answers 400 and closes the connection; the client may see either first.
    if (result.status !== undefined) expect(result.status).toBe(400);
    else expect(result.error).toBeTruthy();
    expect(result.sent).toBeLessThan(40 * MB);
    expect(peak - baseline).toBeLessThan(50 * MB);
    expect(await countRecords(su, coll.name)).toBe(0);
    expect(await eventually(() => storedKeys(storageDir, ".tmp").length === 0)).toBe(true);
    expect((await raw(server.url, "/api/health")).status).toBe(200);
  });

  it("leaves nothing visible when the client disconnects mid-upload", async () => {
    const before = await countRecords(su, coll.name);
    const result = await streamUpload({
      url: createUrl(),
      field: "big",
      fileBytes: 8 * MB,
      abortAfter: 2 * MB,
      token: su.authStore.token,
      // Disconnect only once the server is streaming the part to storage.
      beforeAbort: () => eventually(() => storedKeys(storageDir, ".tmp").length > 0),
    });
    expect(result.error).toBe("aborted by client");
    expect(await eventually(() => storedKeys(storageDir, ".tmp").length === 0)).toBe(true);
    expect(await countRecords(su, coll.name)).toBe(before);
    expect(storedKeys(storageDir).filter((k) => k.startsWith(coll.id))).toEqual([]);
  });
});
