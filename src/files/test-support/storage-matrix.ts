import { afterAll, beforeAll } from "vitest";
import { type S3TestServer, startS3Server } from "../../test-support/s3-server.js";
import { type StoreKind, storesUnderTest } from "../../test-support/server.js";

/** local: a node's own folder; database: PostgreSQL's own tables (its default); s3: a bucket. */
export type StorageKind = "local" | "database" | "s3";

/**
 * Every store × file storage pair a files suite runs on: each store with its default storage (a local
 * folder on SQLite, the database on PostgreSQL) and with S3.
 */
export async function storageMatrix(): Promise<[StoreKind, StorageKind][]> {
  return (await storesUnderTest()).flatMap((kind): [StoreKind, StorageKind][] => [
    [kind, kind === "postgres" ? "database" : "local"],
    [kind, "s3"],
  ]);
}

/**
 * One S3-protocol server process for a whole test file, started before its first suite and stopped
 * after its last (servers keep apart by key prefix). Call at the top level of the file; the getter
 * is valid inside hooks and tests.
 */
export function sharedS3Server(): () => S3TestServer {
  let s3: S3TestServer | undefined;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(() => s3?.close());
  return () => {
    if (!s3) throw new Error("the S3 server is not started yet (use it inside hooks and tests)");
    return s3;
  };
}
