import Database from "better-sqlite3";
import pg from "pg";
import { ClientResponseError } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";

const PASSWORD = "signed-in-password";

/** Status of a failed SDK call (0 when it did not fail). */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 0;
  } catch (err) {
    if (err instanceof ClientResponseError) return err.status;
    throw err;
  }
}

describe.each(await storesUnderTest())("a signed-in client's auth record (%s)", (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(async () => server.close());

  async function signedInUser(email: string) {
    const admin = await server.superuserClient();
    await admin.collection("users").create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
    const pb = server.client();
    pb.autoCancellation(false);
    const { record } = await pb.collection("users").authWithPassword(email, PASSWORD);
    return { pb, id: record.id };
  }

  /** The reads of the users table while `fn` runs. */
  async function usersReads(fn: () => Promise<unknown>): Promise<number> {
    let reads = 0;
    const stop = server.app.services.store.queries.listen((q) => {
      if (/^\s*select\b/i.test(q.sql) && /\bfrom\s+"?users"?\b/i.test(q.sql)) reads++;
    });
    try {
      await fn();
    } finally {
      stop();
    }
    return reads;
  }

  it("is read once while nothing is committed", async () => {
    const { pb, id } = await signedInUser(`steady-${kind}@example.com`);
    await pb.collection("users").getOne(id);
    const reads = await usersReads(async () => {
      for (let i = 0; i < 5; i++) await pb.collection("users").getOne(id);
    });
    // Each getOne reads the record it asks for; the token's record once more only if something was
    // committed in between (the request log writes its batch each second).
    expect(reads).toBeGreaterThanOrEqual(5);
    expect(reads).toBeLessThanOrEqual(6);
  });

  it("is read again after a write, so a changed password ends the old token at once", async () => {
    const { pb, id } = await signedInUser(`rotated-${kind}@example.com`);
    const oldToken = pb.authStore.token;
    await pb.collection("users").getOne(id);
    await pb.collection("users").update(id, {
      oldPassword: PASSWORD,
      password: "a-new-password-1",
      passwordConfirm: "a-new-password-1",
    });
    const stale = server.client();
    stale.authStore.save(oldToken, null);
    expect(await statusOf(stale.collection("users").authRefresh())).toBe(401);
  });

  it("is read again after a deleted account, which then signs in nobody", async () => {
    const { pb, id } = await signedInUser(`deleted-${kind}@example.com`);
    await pb.collection("users").getOne(id);
    const admin = await server.superuserClient();
    await admin.collection("users").delete(id);
    expect(await statusOf(pb.collection("users").authRefresh())).toBe(401);
  });

  /** Changes a user's token key the way another process would: its own connection, straight SQL. */
  async function changeTokenKeyElsewhere(id: string): Promise<void> {
    const store = server.app.services.config.store;
    if (store.kind === "sqlite") {
      const other = new Database(store.file);
      try {
        other.pragma("busy_timeout = 5000");
        other.prepare("UPDATE users SET tokenKey = 'changed-elsewhere' WHERE id = ?").run(id);
      } finally {
        other.close();
      }
      return;
    }
    const other = new pg.Client({ connectionString: store.url });
    await other.connect();
    try {
      await other.query(
        `UPDATE "${store.schema ?? "public"}".users SET "tokenKey" = 'changed-elsewhere' WHERE id = $1`,
        [id],
      );
    } finally {
      await other.end();
    }
  }

  it("is read again after another process (another node, the CLI, a SQL shell) changed it", async () => {
    const { pb, id } = await signedInUser(`elsewhere-${kind}@example.com`);
    expect(await statusOf(pb.collection("users").authRefresh())).toBe(0);
    await pb.collection("users").getOne(id);
    await changeTokenKeyElsewhere(id);
    expect(await statusOf(pb.collection("users").authRefresh())).toBe(401);
  });
});
