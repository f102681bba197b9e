import bcrypt from "bcryptjs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StoreKind, startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

describe.each(await storesUnderTest())(
  "users imported from PocketBase with bcrypt hashes (%s)",
  (kind: StoreKind) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(kind);
    });
    afterAll(() => server.close());

    const storedHash = async (id: string) => {
      const rows = await sql<{ password: string }>`SELECT password FROM users WHERE id = ${id}`.execute(
        server.app.services.store.db,
      );
      return String(rows.rows[0]?.password);
    };

    it("sign in with the old password, after which the hash is argon2id and sign-in still works", async () => {
      const pb = server.client();
      const user = await pb.collection("users").create({
        email: "imported@example.com",
        password: "placeholder-pass",
        passwordConfirm: "placeholder-pass",
      });
      const legacy = await bcrypt.hash("pocketbase password", 10);
      await sql`UPDATE users SET password = ${legacy} WHERE id = ${user.id}`.execute(
        server.app.services.store.db,
      );

      await expect(
        pb.collection("users").authWithPassword("imported@example.com", "wrong password"),
      ).rejects.toMatchObject({ status: 400 });
      expect(await storedHash(user.id)).toBe(legacy);

      const first = await pb
        .collection("users")
        .authWithPassword("imported@example.com", "pocketbase password");
      expect(first.record.id).toBe(user.id);
      expect((await storedHash(user.id)).startsWith("$argon2id$")).toBe(true);

      const again = await server
        .client()
        .collection("users")
        .authWithPassword("imported@example.com", "pocketbase password");
      expect(again.record.id).toBe(user.id);
      // The rehash doesn't rotate the token key: the first token still works.
      await expect(pb.collection("users").authRefresh()).resolves.toMatchObject({ record: { id: user.id } });
    });
  },
);
