import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storesUnderTest } from "../test-support/server.js";
import { openTestServices } from "../test-support/services.js";

describe.each(await storesUnderTest())("catalogue loads (%s)", (kind) => {
  let opened: Awaited<ReturnType<typeof openTestServices>>;
  beforeAll(async () => {
    opened = await openTestServices(kind);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it("run one at a time: a load reads version and definitions before the next one starts", async () => {
    const { store, registry } = opened.services;
    const reads: string[] = [];
    const stop = store.queries.listen((e) => {
      // The catalogue version's read (other `_params` reads go by `id in (…)`).
      if (/from _params where id = /i.test(e.sql)) reads.push("version");
      else if (/\bfrom "?_collections"?/i.test(e.sql)) reads.push("definitions");
    });
    try {
      await Promise.all([registry.load(), registry.load(), registry.load()]);
    } finally {
      stop();
    }
    // Overlapping loads interleave their reads (version, version, …), and the last to finish
    // could put an older catalogue beside a newer version.
    expect(reads).toEqual(["version", "definitions", "version", "definitions", "version", "definitions"]);
  });

  it("a failed load does not stop the next one", async () => {
    const { registry, store } = opened.services;
    const before = registry.version;
    const db = store.db as unknown as { selectFrom: unknown };
    const selectFrom = db.selectFrom;
    db.selectFrom = () => {
      throw new Error("lost connection");
    };
    try {
      await expect(registry.load()).rejects.toThrow("lost connection");
    } finally {
      db.selectFrom = selectFrom;
    }
    await registry.load();
    expect(registry.version).toBe(before + 1);
  });
});
