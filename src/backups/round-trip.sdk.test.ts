import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FileStorage, StoredObject } from "../files/storage.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { readZip } from "./test-support/craft-zip.js";
import { createShop } from "./test-support/shop-data.js";
import { storeContents, storedFiles } from "./test-support/store-contents.js";

describe.each(await storesUnderTest())("backup → change everything → restore (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    await createShop(su);
  });
  afterAll(() => server?.close());

  it("brings back every row of every table and every file byte", async () => {
    const services = server.app.services;
    const rowsBefore = await storeContents(services);
    const filesBefore = await storedFiles(services);
    expect(Object.keys(filesBefore).length).toBeGreaterThanOrEqual(10);

    await su.backups.create("shop.zip");
    const listed = await su.backups.getFullList();
    expect(listed).toEqual([{ key: "shop.zip", size: expect.any(Number), modified: expect.any(String) }]);
    expect(listed[0]?.size).toBeGreaterThan(1000);

    // Everything changes after the backup: records, files, collections, settings, users.
    const products = await su.collection("products").getFullList();
    await su.collection("products").delete(products[0]?.id as string);
    await su.collection("products").update(products[1]?.id as string, { title: "Renamed", "images-": [] });
    const later = new FormData();
    later.append("title", "Added later");
    later.append("images", new Blob(["a file the backup never saw"]), "later.txt");
    await su.collection("products").create(later);
    await su.collections.delete("paid_orders");
    await su.collections.update("orders", {
      fields: [...(await su.collections.getOne("orders")).fields, { name: "note", type: "text" }],
    });
    await su.collections.create({ name: "later", type: "base", fields: [{ name: "x", type: "text" }] });
    await su.settings.update({ meta: { appName: "Changed" } });
    await su.collection("users").create({
      email: "eve@example.com",
      password: "a long password 2",
      passwordConfirm: "a long password 2",
    });
    await services.events.settle();
    expect(await storeContents(services)).not.toEqual(rowsBefore);

    await su.backups.restore("shop.zip");

    expect(await storeContents(services)).toEqual(rowsBefore);
    expect(await storedFiles(services)).toEqual(filesBefore);
    // The API serves the restored state at once: collections, records, settings.
    expect((await su.collections.getFullList()).map((c) => c.name).sort()).toContain("paid_orders");
    await expect(su.collections.getOne("later")).rejects.toMatchObject({ status: 404 });
    expect((await su.settings.getAll()).meta.appName).toBe("Corner Shop");
    const paid = await su.collection("paid_orders").getFullList();
    expect(paid).toHaveLength(2);
    const restoredProducts = await su.collection("products").getFullList({ sort: "title" });
    expect(restoredProducts.map((p) => p.title)).toEqual([
      "Product 0",
      "Product 1",
      "Product 2",
      "Product 3",
      "Product 4",
    ]);
    const first = restoredProducts[0] as unknown as {
      id: string;
      images: string[];
      spec: unknown;
      active: boolean;
    };
    expect(first.spec).toEqual({ size: 0, tags: ["a", "b"], nested: { ok: true } });
    expect(first.active).toBe(true);
    const res = await fetch(su.files.getURL(first, first.images[0] as string));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("image 0 ".repeat(50));
    // The restore is in the audit log.
    const audit = await su.send("/api/audit", { query: { filter: 'action = "backup.restore"' } });
    expect(audit.items).toHaveLength(1);
  });
});

describe.each(await storesUnderTest())("files deleted while a backup runs (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    await createShop(su);
  });
  afterAll(() => server?.close());

  it("stay in the backup when their record is deleted after the snapshot; they go once it is written", async () => {
    const services = server.app.services;
    // Storage whose listing (after the rows are dumped) waits for the test: the record is deleted then.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let listed = () => {};
    const listing = new Promise<void>((resolve) => {
      listed = resolve;
    });
    const original = services.files.resolve.bind(services.files);
    services.files.resolve = async () => {
      const storage = await original();
      return new Proxy(storage, {
        get(target, key) {
          if (key === "list")
            return async function* (prefix?: string): AsyncIterable<StoredObject> {
              listed();
              await gate;
              yield* target.list(prefix);
            };
          const value = Reflect.get(target, key, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }) as FileStorage;
    };
    try {
      const [product] = await su.collection("products").getFullList({ filter: 'title = "Product 3"' });
      if (!product) throw new Error("the shop has no Product 3");
      const image = (product.images as string[])[0] as string;
      const key = `${product.collectionId}/${product.id}/${image}`;
      const creating = su.backups.create("during.zip");
      await listing;
      await su.collection("products").delete(product.id);
      await services.events.settle();
      expect(await (await original()).stat(key)).not.toBeNull();
      release();
      await creating;
      const token = await su.files.getToken();
      const zip = await readZip(
        Buffer.from(await (await fetch(su.backups.getDownloadURL(token, "during.zip"))).arrayBuffer()),
      );
      expect(zip.map((e) => e.name)).toContain(`files/${key}`);
      const manifest = JSON.parse(String(zip.find((e) => e.name === "manifest.json")?.data));
      expect(manifest.files.missing).toEqual([]);
      // The deletion that waited runs once the backup is written.
      await services.events.settle();
      expect(await (await original()).stat(key)).toBeNull();
    } finally {
      services.files.resolve = original;
    }
  });
});
