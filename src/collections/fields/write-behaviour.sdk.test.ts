import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../auth/passwords.js";
import { expectSdkError, issueCode, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

/**
 * What field types do when a record is written, whatever the collection: a password is hashed
 * and never returned, an autodate is the server's time, an autogenerate pattern fills an empty
 * value. Checked through the SDK on each store.
 */
describe.each(await storesUnderTest())("field types on write (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let name: string;

  /** The value as stored in the database (not as the API shows it), through the SQL console. */
  const stored = async (id: string, field: string): Promise<unknown> => {
    const query = `SELECT "${field}" FROM "${name}" WHERE id = '${id}'`;
    const result = await su.send<{ rows: unknown[][] }>("/api/sql", { method: "POST", body: { query } });
    return result.rows[0]?.[0];
  };

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    name = uniqueName("vault");
    await su.collections.create({
      name,
      type: "base",
      fields: [
        { name: "label", type: "text" },
        { name: "pin", type: "password", min: 6 },
        { name: "code", type: "text", autogeneratePattern: "[A-Z]{6}" },
        { name: "stamped", type: "autodate", onCreate: true, onUpdate: true },
        { name: "born", type: "autodate", onCreate: true, onUpdate: false },
      ],
      listRule: "",
      viewRule: "",
      createRule: "",
      updateRule: "",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("a base collection's password field is stored as a hash and never returned", async () => {
    const created = await su.collection(name).create({ label: "a", pin: "open sesame" });
    expect(created).not.toHaveProperty("pin");
    const hash = await stored(created.id, "pin");
    expect(hash).not.toBe("open sesame");
    expect(await verifyPassword(String(hash), "open sesame")).toBe(true);

    const listed = await server
      .client()
      .collection(name)
      .getFullList({ filter: `id = "${created.id}"` });
    expect(listed[0]).not.toHaveProperty("pin");
    expect(await server.client().collection(name).getOne(created.id)).not.toHaveProperty("pin");
  });

  it("checks the plain password against the field's options, and keeps the hash on other updates", async () => {
    const short = await expectSdkError(su.collection(name).create({ label: "b", pin: "12345" }), 400);
    expect(issueCode(short, "pin")).toBe("validation_min_text_constraint");

    const created = await su.collection(name).create({ label: "b", pin: "123456" });
    const hash = await stored(created.id, "pin");
    await su.collection(name).update(created.id, { label: "renamed" });
    expect(await stored(created.id, "pin")).toBe(hash);

    await su.collection(name).update(created.id, { pin: "654321" });
    const rehashed = String(await stored(created.id, "pin"));
    expect(rehashed).not.toBe(hash);
    expect(await verifyPassword(rehashed, "654321")).toBe(true);
  });

  it("fills an empty autogenerate field on create and leaves it alone afterwards", async () => {
    const created = await su.collection(name).create({ label: "c" });
    expect(created.code).toMatch(/^[A-Z]{6}$/);
    const given = await su.collection(name).create({ label: "d", code: "MINE" });
    expect(given.code).toBe("MINE");
    const updated = await su.collection(name).update(created.id, { label: "e" });
    expect(updated.code).toBe(created.code);
  });

  it("sets autodates from the server's clock, ignoring what clients send", async () => {
    const before = new Date().toISOString().replace("T", " ");
    const created = await su
      .collection(name)
      .create({ label: "f", stamped: "2000-01-01 00:00:00.000Z", born: "2000-01-01 00:00:00.000Z" });
    expect(created.stamped >= before).toBe(true);
    expect(created.born).toBe(created.stamped);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await su
      .collection(name)
      .update(created.id, { label: "g", born: "2001-01-01 00:00:00.000Z" });
    expect(updated.stamped > created.stamped).toBe(true);
    expect(updated.born).toBe(created.born);
  });
});
