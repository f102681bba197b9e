import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { FieldType, JsonSchema, Shape } from "./index.js";
import { fieldType, fieldTypes, normalizeField } from "./index.js";

/**
 * Each type's JSON Schema fragments, checked with a real 2020-12 validator against the type's own
 * `validate`: for canonical values (what a JSON body holds once coerced), the create schema accepts
 * exactly the values the server accepts. A few checks JSON Schema cannot state are listed in
 * `LOOSER`: there the schema accepts and the server refuses, never the other way round.
 */

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);

const SHAPES: Shape[] = ["read", "create", "update"];

interface Case {
  field: Record<string, unknown>;
  accepted: unknown[];
  refused: unknown[];
}

const id15 = "abcdefghij12345";

const cases: Case[] = [
  {
    field: { type: "text" },
    accepted: ["", "hi", "😀".repeat(5000)],
    refused: [{ a: 1 }, ["x"], "x".repeat(5001)],
  },
  {
    field: { type: "text", required: true, min: 2, max: 4, pattern: "^[a-z]+$" },
    accepted: ["ab", "abcd"],
    refused: ["", "a", "abcde", "AB", ["ab"]],
  },
  { field: { type: "text", min: 3 }, accepted: ["", "abc"], refused: ["ab"] },
  {
    field: { type: "text", name: "id", primaryKey: true, required: true, pattern: "^[a-z0-9/]+$" },
    accepted: ["abc"],
    refused: ["", "a/b", "ABC"],
  },
  {
    field: {
      type: "text",
      name: "id",
      primaryKey: true,
      required: true,
      pattern: "^[a-z]+$",
      autogeneratePattern: "[a-z]{5}",
    },
    accepted: ["", "abc"],
    refused: ["ABC"],
  },
  { field: { type: "number" }, accepted: [0, -1.5, 1e300], refused: ["one", true, [1]] },
  {
    field: { type: "number", min: 2, max: 5, onlyInt: true },
    accepted: [0, 2, 5],
    refused: [1, 6, 2.5],
  },
  { field: { type: "number", required: true, min: -3 }, accepted: [-3, 1.5], refused: [0, -4] },
  { field: { type: "number", onlyInt: true }, accepted: [0, 2 ** 53 - 1], refused: [2 ** 53, 0.5] },
  { field: { type: "bool" }, accepted: [true, false], refused: ["maybe", 2, [true]] },
  { field: { type: "bool", required: true }, accepted: [true], refused: [false] },
  { field: { type: "email" }, accepted: ["", "a.b+c@example.com"], refused: ["nope", "a@b@c.com", {}] },
  { field: { type: "email", required: true }, accepted: ["a@example.com"], refused: [""] },
  {
    field: { type: "url" },
    accepted: ["", "https://example.com/x?q=1", "ftp://files.example.com"],
    refused: ["example.com", "https://exa mple.com", []],
  },
  { field: { type: "url", required: true }, accepted: ["https://a.io"], refused: [""] },
  { field: { type: "editor", maxSize: 10 }, accepted: ["", "<p>hi</p>"], refused: ["x".repeat(11), {}] },
  { field: { type: "editor", required: true }, accepted: ["x"], refused: [""] },
  {
    field: { type: "date" },
    accepted: ["", "2024-11-10 18:45:27.123Z"],
    refused: ["yesterday", "2024-13", 20241110],
  },
  { field: { type: "date", required: true }, accepted: ["2024-11-10 18:45:27.123Z"], refused: [""] },
  { field: { type: "select", values: ["a", "b"] }, accepted: ["", "a", "b"], refused: ["c", {}] },
  { field: { type: "select", values: ["a", "b"], required: true }, accepted: ["a"], refused: [""] },
  {
    field: { type: "select", values: ["a", "b", "c"], maxSelect: 2 },
    accepted: [[], ["a"], ["c", "a"]],
    refused: [["a", "b", "c"], ["x"], [{}]],
  },
  {
    field: { type: "select", values: ["a", "b", "c"], maxSelect: 2, required: true },
    accepted: [["b"]],
    refused: [[]],
  },
  {
    field: { type: "relation", collectionId: "c" },
    accepted: ["", id15],
    refused: [[id15, id15.toUpperCase()], {}],
  },
  { field: { type: "relation", collectionId: "c", required: true }, accepted: [id15], refused: [""] },
  {
    field: { type: "relation", collectionId: "c", minSelect: 2, maxSelect: 3 },
    accepted: [[], ["aaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbb"]],
    refused: [
      ["aaaaaaaaaaaaaaa"],
      ["aaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbb", "ccccccccccccccc", "ddddddddddddddd"],
    ],
  },
  { field: { type: "file" }, accepted: ["", "photo_x1.png"], refused: [["a.png", "b.png"], {}] },
  {
    field: { type: "file", maxSelect: 2, required: true },
    accepted: [["a.png"]],
    refused: [[], ["a", "b", "c"]],
  },
  { field: { type: "json" }, accepted: [null, "", 0, [1, { a: "b" }], { x: null }], refused: [] },
  { field: { type: "json", required: true }, accepted: [0, "x", [0], { a: 1 }], refused: [null, "", [], {}] },
  {
    field: { type: "geoPoint" },
    accepted: [
      { lon: 0, lat: 0 },
      { lon: 180, lat: -90 },
      { lon: 1.5, lat: -2 },
    ],
    refused: [{ lon: 181, lat: 0 }, { lon: 0, lat: 91 }, { lon: "east", lat: 2 }, [1, 2]],
  },
  {
    field: { type: "geoPoint", required: true },
    accepted: [{ lon: 0, lat: 1 }],
    refused: [{ lon: 0, lat: 0 }],
  },
  { field: { type: "password" }, accepted: ["", "12345678"], refused: ["1234567", "x".repeat(72), {}] },
  {
    field: { type: "password", required: true, min: 3, max: 5, pattern: "^\\d+$" },
    accepted: ["123", "12345"],
    refused: ["", "12", "123456", "abc"],
  },
];

/** Checks the server makes and JSON Schema does not express; the schema accepts these. */
const LOOSER: Array<{ field: Record<string, unknown>; value: unknown; why: string }> = [
  { field: { type: "date" }, value: "2024-02-30", why: "whether the day exists" },
  { field: { type: "date", min: "2024-01-01" }, value: "2023-01-01 00:00:00.000Z", why: "date bounds" },
  {
    field: { type: "email", onlyDomains: ["a.io"] },
    value: "x@b.io",
    why: "domain lists (case-insensitive)",
  },
  { field: { type: "relation", collectionId: "c" }, value: "BAD", why: "the target's id pattern" },
  { field: { type: "file" }, value: ".hidden", why: "stored file names" },
];

const build = (raw: Record<string, unknown>) => normalizeField({ id: "f1", name: "f", ...raw });

function schemaOf(raw: Record<string, unknown>, shape: Shape): JsonSchema {
  const field = build(raw);
  const schema = fieldType(field).jsonSchema(field, shape);
  if (!schema) throw new Error(`${String(raw["type"])} has no ${shape} schema`);
  return schema;
}

/** The server's verdict on a create: the type's own write step (autogenerate), then validation. */
const serverAccepts = (raw: Record<string, unknown>, value: unknown) => {
  const field = build(raw);
  const def = fieldType(field);
  const written = def.onWrite?.(field, value, { isNew: true, now: "2024-01-01 00:00:00.000Z" }) ?? value;
  return def.validate(field, written, { isNew: true }) === null;
};

/** Whether a value is already in the in-memory form, i.e. what a JSON body holds once coerced. */
const canonical = (raw: Record<string, unknown>, value: unknown) => {
  const field = build(raw);
  return JSON.stringify(fieldType(field).coerce(field, value)) === JSON.stringify(value);
};

describe("jsonSchema fragments", () => {
  it("cover every field type (autodate has no write schema: see below)", () => {
    const covered = new Set(["autodate", ...cases.map((c) => c.field["type"])]);
    expect([...covered].sort()).toEqual((Object.keys(fieldTypes) as FieldType[]).sort());
  });

  it("are checked on canonical values only (coercion leaves them as they are)", () => {
    const loose = cases.flatMap(({ field, accepted, refused }) =>
      [...accepted, ...refused].filter((v) => !canonical(field, v)).map((v) => [field, v]),
    );
    expect(loose).toEqual([]);
  });

  it("are valid JSON Schema 2020-12 for every shape (ajv strict mode)", () => {
    for (const { field } of cases)
      for (const shape of SHAPES) {
        const built = build(field);
        const schema = fieldType(built).jsonSchema(built, shape);
        if (schema) expect(() => ajv.compile(schema), `${JSON.stringify(field)} ${shape}`).not.toThrow();
      }
  });

  describe.each(cases)("$field", ({ field, accepted, refused }) => {
    const check = ajv.compile(schemaOf(field, "create"));
    it.each(accepted.map((v) => [JSON.stringify(v)?.slice(0, 40), v]))(
      "accepts %s, as the server",
      (_l, v) => {
        expect(serverAccepts(field, v), "the server's verdict (case table)").toBe(true);
        expect(check(v), JSON.stringify(check.errors)).toBe(true);
      },
    );
    it.each(refused.map((v) => [JSON.stringify(v)?.slice(0, 40), v]))(
      "refuses %s, as the server",
      (_l, v) => {
        expect(serverAccepts(field, v), "the server's verdict (case table)").toBe(false);
        expect(check(v)).toBe(false);
      },
    );
  });

  it("describe canonical JSON: input the server coerces first (form-style strings) is outside them", () => {
    const coerced: Array<[Record<string, unknown>, unknown]> = [
      [{ type: "number" }, "3"],
      [{ type: "bool" }, "true"],
      [{ type: "text" }, 5],
      [{ type: "select", values: ["a", "b"], maxSelect: 2 }, "a"],
    ];
    for (const [raw, value] of coerced) {
      const field = build(raw);
      expect(serverAccepts(raw, fieldType(field).coerce(field, value))).toBe(true);
      expect(ajv.compile(schemaOf(raw, "create"))(value)).toBe(false);
    }
  });

  it.each(LOOSER)("is looser than the server only where it cannot say more: $why", ({ field, value }) => {
    expect(serverAccepts(field, value)).toBe(false);
    expect(ajv.compile(schemaOf(field, "create"))(value)).toBe(true);
  });

  it("leaves out what a shape never carries: passwords on read, autodates and primary keys on write", () => {
    const absent = (raw: Record<string, unknown>, shape: Shape) => {
      const built = build(raw);
      return fieldType(built).jsonSchema(built, shape) === undefined;
    };
    expect(absent({ type: "password" }, "read")).toBe(true);
    expect(absent({ type: "autodate" }, "create")).toBe(true);
    expect(absent({ type: "autodate" }, "update")).toBe(true);
    expect(absent({ type: "text", name: "id", primaryKey: true, pattern: "^a$" }, "update")).toBe(true);
    expect(absent({ type: "autodate" }, "read")).toBe(false);
  });

  it("read schemas accept the zero value of every type (a field nobody set)", () => {
    for (const { field } of cases) {
      const built = build(field);
      const read = fieldType(built).jsonSchema(built, "read");
      if (!read) continue;
      const check = ajv.compile(read);
      expect(
        check(fieldType(built).zero(built)),
        `${JSON.stringify(field)}: ${JSON.stringify(check.errors)}`,
      ).toBe(true);
    }
  });
});
