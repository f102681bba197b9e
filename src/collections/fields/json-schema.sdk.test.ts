import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type PocketBase from "pocketbase";
import type { RecordModel } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";
import type { Collection } from "../model.js";
import { fieldType, type Shape } from "./index.js";

/**
 * The field types' JSON Schema fragments against real records: every field of a collection with
 * each type, written through the SDK and read back from each store, must match its read schema;
 * the body that wrote it must match the create and update schemas; and a field a shape leaves out
 * (a password on read) must be absent from the answer.
 */
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);

const FIELDS = [
  { name: "title", type: "text", required: true, max: 40 },
  { name: "slug", type: "text", autogeneratePattern: "[a-z]{8}" },
  { name: "count", type: "number", min: 1, onlyInt: true },
  { name: "done", type: "bool" },
  { name: "contact", type: "email" },
  { name: "site", type: "url" },
  { name: "body", type: "editor" },
  { name: "due", type: "date" },
  { name: "stamped", type: "autodate", onCreate: true, onUpdate: true },
  { name: "status", type: "select", values: ["new", "old"], required: true },
  { name: "tags", type: "select", values: ["a", "b", "c"], maxSelect: 3 },
  { name: "cover", type: "file" },
  { name: "owner", type: "relation", collectionId: "users" },
  { name: "meta", type: "json" },
  { name: "place", type: "geoPoint" },
  { name: "pin", type: "password" },
];

describe.each(await storesUnderTest())("field JSON Schemas against real records (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let collection: Collection;
  let userId: string;

  const schemaOf = (name: string, shape: Shape) => {
    const field = collection.fields.find((f) => f.name === name);
    if (!field) throw new Error(`no field ${name}`);
    return fieldType(field).jsonSchema(field, shape);
  };

  /** Each field of `record` against its read schema; absent exactly when the schema leaves it out. */
  const expectReadShape = (record: RecordModel) => {
    for (const field of collection.fields) {
      const schema = schemaOf(field.name, "read");
      if (!schema) {
        expect(record, field.name).not.toHaveProperty(field.name);
        continue;
      }
      const check = ajv.compile(schema);
      expect(
        check(record[field.name]),
        `${field.name}=${JSON.stringify(record[field.name])}: ${JSON.stringify(check.errors)}`,
      ).toBe(true);
    }
  };

  /** Each key of a JSON body against the create or update schema of its field. */
  const expectBodyShape = (body: Record<string, unknown>, shape: Shape) => {
    for (const [name, value] of Object.entries(body)) {
      const schema = schemaOf(name, shape);
      if (!schema) throw new Error(`${name} has no ${shape} schema`);
      const check = ajv.compile(schema);
      expect(check(value), `${name}=${JSON.stringify(value)}: ${JSON.stringify(check.errors)}`).toBe(true);
    }
  };

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    const user = await su.collection("users").create({
      email: `${uniqueName("u")}@example.com`,
      password: "a long password",
      passwordConfirm: "a long password",
    });
    userId = user.id;
    const name = uniqueName("every_type");
    const created = await su.collections.create({ name, type: "base", fields: FIELDS });
    collection = (await su.collections.getOne(created.id)) as unknown as Collection;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("a record with every field set", async () => {
    const body = {
      title: "Héllo",
      count: 3,
      done: true,
      contact: "a@example.com",
      site: "https://example.com/x",
      body: "<p>hi</p>",
      due: "2024-11-10 18:45:27.123Z",
      status: "new",
      tags: ["c", "a"],
      owner: userId,
      meta: { a: [1, null, "x"] },
      place: { lon: 24.94, lat: 60.17 },
      pin: "12345678",
    };
    expectBodyShape(body, "create");
    const form = new FormData();
    form.append("cover", new Blob(["hello"], { type: "text/plain" }), "hello.txt");
    form.append("@jsonPayload", JSON.stringify(body));
    const created = await su.collection(collection.name).create(form);
    expectReadShape(await su.collection(collection.name).getOne(created.id));

    const update = { title: "Bye", tags: ["b"], count: 0, place: { lon: 0, lat: 0 }, meta: null };
    expectBodyShape(update, "update");
    expectReadShape(await su.collection(collection.name).update(created.id, update));
  });

  it("a record with only what is required (zero values elsewhere)", async () => {
    const body = { title: "x", status: "old" };
    expectBodyShape(body, "create");
    const created = await su.collection(collection.name).create(body);
    expectReadShape(created);
    expectReadShape((await su.collection(collection.name).getList(1, 50)).items[0] as RecordModel);
  });
});
