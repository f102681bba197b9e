import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { PG_URL, storesUnderTest } from "../test-support/server.js";
import { CHUNK_BYTES, PgStorage } from "./pg-storage.js";
import { storedKeys } from "./test-support/files-fixture.js";

const postgres = (await storesUnderTest()).includes("postgres");

async function bytesOf(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe.runIf(postgres)("file storage in PostgreSQL", () => {
  const schema = `t_files_${Math.random().toString(36).slice(2, 10)}`;
  let store: Store;
  let storage: PgStorage;

  beforeAll(async () => {
    store = await openStore({ kind: "postgres", url: PG_URL, schema });
    storage = new PgStorage(store.db);
  });
  afterAll(async () => {
    await store?.close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  const put = (key: string, data: Buffer | string) =>
    storage.write(key, Readable.from([Buffer.from(data)]), "");

  it("stores empty files, and files of exactly whole chunks, and reads any range of them", async () => {
    await put("c/r/empty.txt", "");
    expect(await storage.stat("c/r/empty.txt")).toMatchObject({ size: 0 });
    expect((await bytesOf(await storage.read("c/r/empty.txt"))).length).toBe(0);
    const two = randomBytes(2 * CHUNK_BYTES);
    // Written in odd-sized pieces, as a socket delivers them.
    const pieces = [
      two.subarray(0, 1000),
      two.subarray(1000, CHUNK_BYTES + 7),
      two.subarray(CHUNK_BYTES + 7),
    ];
    await storage.write("c/r/two.bin", Readable.from(pieces), "application/octet-stream");
    expect(await storage.stat("c/r/two.bin")).toMatchObject({
      size: two.length,
      contentType: "application/octet-stream",
    });
    expect((await bytesOf(await storage.read("c/r/two.bin"))).equals(two)).toBe(true);
    const last = { start: two.length - 1, end: two.length - 1 };
    expect((await bytesOf(await storage.read("c/r/two.bin", last))).equals(two.subarray(-1))).toBe(true);
    const edge = { start: CHUNK_BYTES - 1, end: CHUNK_BYTES };
    expect(
      (await bytesOf(await storage.read("c/r/two.bin", edge))).equals(
        two.subarray(CHUNK_BYTES - 1, CHUNK_BYTES + 1),
      ),
    ).toBe(true);
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM _file_chunks`.execute(store.db);
    expect(Number(rows[0]?.n)).toBe(2); // the empty file has no chunk
  });

  it("a write whose body fails leaves nothing, neither at its key nor in flight", async () => {
    const failing = new Readable({
      read() {
        this.push(randomBytes(CHUNK_BYTES + 10));
        this.destroy(new Error("client went away"));
      },
    });
    await expect(storage.write("c/r/cut.bin", failing, "")).rejects.toThrow("client went away");
    expect(await storage.stat("c/r/cut.bin")).toBeNull();
    expect(await storedKeys(storage, ".tmp/")).toEqual([]);
  });

  it("moves replace their target; a missing source is an error; prefixes are literal", async () => {
    await put("m/a.txt", "A");
    await put("m/b.txt", "B");
    await storage.move("m/a.txt", "m/b.txt");
    expect((await bytesOf(await storage.read("m/b.txt"))).toString()).toBe("A");
    expect(await storage.stat("m/a.txt")).toBeNull();
    await expect(storage.move("m/none.txt", "m/x.txt")).rejects.toMatchObject({ code: "ENOENT" });
    await expect(storage.read("m/none.txt")).rejects.toMatchObject({ code: "ENOENT" });
    await put("p_q/1.txt", "1");
    await put("pXq/2.txt", "2");
    await put("p%/3.txt", "3");
    await storage.deletePrefix("p_q/");
    expect(await storedKeys(storage, "p")).toEqual(["p%/3.txt", "pXq/2.txt"]);
    expect(await storedKeys(storage, "p%/")).toEqual(["p%/3.txt"]);
  });

  it("two nodes placing the same key at once both succeed; one copy is left", async () => {
    const other = new PgStorage(store.db);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? other : storage).write("race/thumb.png", Readable.from([Buffer.from(`copy ${i}`)]), ""),
      ),
    );
    expect(await storedKeys(storage, "race/")).toEqual(["race/thumb.png"]);
    expect((await bytesOf(await storage.read("race/thumb.png"))).toString()).toMatch(/^copy \d$/);
  });

  it("lists past one page of rows, in key order", async () => {
    const keys = Array.from({ length: 1203 }, (_, i) => `list/${String(i).padStart(5, "0")}`);
    await sql`INSERT INTO _files (key, size) SELECT unnest(${keys}::text[]), 0`.execute(store.db);
    expect(await storedKeys(storage, "list/")).toEqual(keys);
  });
});
