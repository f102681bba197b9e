import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raw, uniqueName } from "../test-support/api.js";
import { startServer, type TestServer } from "../test-support/server.js";

/**
 * What checking for other nodes' changes costs a request on SQLite: nothing committed since the last
 * look, no stamp is read (the definitions can't have moved); a change by another process on the
 * same file is still seen by the next request (one-schema-across-nodes.sdk.test.ts).
 * The server writes too (request log batches, job polls): a stamp is read after each such write.
 */
describe("fresh definitions on SQLite", () => {
  let server: TestServer;
  const posts = uniqueName("posts");

  beforeAll(async () => {
    server = await startServer("sqlite");
    const su = await server.superuserClient();
    await su.collections.create({
      name: posts,
      type: "base",
      fields: [{ name: "title", type: "text" }],
      listRule: "",
    } as never);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("reads the version stamps only after something was written, not once per request", async () => {
    const stampReads: string[] = [];
    const writes: string[] = [];
    const stop = server.app.services.store.queries.listen((event) => {
      if (event.sql.includes("_params")) stampReads.push(event.sql);
      else if (!/^\s*(select|with)\b/i.test(event.sql)) writes.push(event.sql);
    });
    try {
      expect((await raw(server.url, `/api/collections/${posts}/records`)).status).toBe(200);
      stampReads.length = 0;
      writes.length = 0;
      const requests = 20;
      for (let i = 0; i < requests; i++) {
        expect((await raw(server.url, `/api/collections/${posts}/records`)).status).toBe(200);
      }
      // The server's own writes (request log batches, job polls) are the only reason to look.
      expect(stampReads.length).toBeLessThan(requests);
      expect(stampReads.length).toBeLessThanOrEqual(writes.length + 1);
    } finally {
      stop();
    }
  });
});
