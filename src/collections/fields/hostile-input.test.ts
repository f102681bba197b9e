import { describe, expect, it } from "vitest";
import type { FieldType } from "../model.js";
import { fieldType, fieldTypes, normalizeField } from "./index.js";

const hostile: Array<[string, unknown]> = [
  ["__proto__ object", JSON.parse('{"__proto__":{"polluted":true},"lon":1,"lat":2}')],
  ["constructor object", { constructor: { prototype: { polluted: true } } }],
  ["huge string", "x".repeat(6 * 1024 * 1024)],
  ["huge emoji string", "😀".repeat(100_000)],
  ["NaN", Number.NaN],
  ["Infinity", Number.NEGATIVE_INFINITY],
  ["nested arrays", [[["a"]], ["b"]]],
  ["deep nesting", JSON.parse(`${"[".repeat(5000)}${"]".repeat(5000)}`)],
  ["symbol", Symbol("s")],
  ["bigint", 10n],
  ["function", () => "x"],
  ["null-prototype object", Object.create(null)],
  ["array with undefined slots", Array.from({ length: 3, 2: "a" })],
  ["undefined", undefined],
];

const rawFields: Array<Record<string, unknown>> = [
  { type: "text" },
  { type: "number", min: 1, max: 10 },
  { type: "bool" },
  { type: "email" },
  { type: "url" },
  { type: "editor" },
  { type: "date" },
  { type: "autodate" },
  { type: "select", values: ["a", "b"] },
  { type: "select", values: ["a", "b"], maxSelect: 2 },
  { type: "file" },
  { type: "file", maxSelect: 3 },
  { type: "relation", collectionId: "c" },
  { type: "relation", collectionId: "c", maxSelect: 3 },
  { type: "json" },
  { type: "geoPoint" },
  { type: "password" },
];

describe("hostile values", () => {
  it("covers every field type", () => {
    const covered = new Set(rawFields.map((raw) => raw["type"]));
    expect([...covered].sort()).toEqual((Object.keys(fieldTypes) as FieldType[]).sort());
  });

  for (const raw of rawFields) {
    const field = normalizeField({ id: "f", name: "f", ...raw });
    const def = fieldType(field);
    it.each(hostile)(
      `${JSON.stringify(raw)}: %s is coerced and validated without throwing`,
      (_label, value) => {
        const coerced = def.coerce(field, value);
        const problem = def.validate(field, coerced, { isNew: true });
        if (problem === null) {
          // Whatever passes validation must be storable.
          expect(() => def.toDb(field, coerced, "sqlite")).not.toThrow();
          expect(() => def.toDb(field, coerced, "postgres")).not.toThrow();
        } else {
          expect(problem.code).toMatch(/^validation_/);
        }
        expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
      },
    );
  }

  it("rejects the huge string for text (limit) and json (size) alike", () => {
    const text = normalizeField({ id: "t", name: "t", type: "text" });
    const json = normalizeField({ id: "j", name: "j", type: "json" });
    const huge = "x".repeat(6 * 1024 * 1024);
    expect(fieldType(text).validate(text, huge, { isNew: true })?.code).toBe(
      "validation_max_text_constraint",
    );
    expect(fieldType(json).validate(json, huge, { isNew: true })?.code).toBe("validation_json_size_limit");
  });

  it("refuses JSON nested deeper than SQLite can query", () => {
    const json = normalizeField({ id: "j", name: "j", type: "json" });
    const deep = JSON.parse(`${"[".repeat(1001)}${"]".repeat(1001)}`);
    expect(fieldType(json).validate(json, deep, { isNew: true })?.code).toBe("validation_invalid_json");
  });

  it("keeps a __proto__ key in json data as plain data", () => {
    const json = normalizeField({ id: "j", name: "j", type: "json" });
    const value = JSON.parse('{"__proto__":{"x":1}}');
    const def = fieldType(json);
    expect(def.validate(json, value, { isNew: true })).toBeNull();
    const back = def.fromDb(json, def.toDb(json, value, "sqlite"), "sqlite") as object;
    expect(Object.keys(back)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it("geoPoint ignores an inherited lon/lat", () => {
    const geo = normalizeField({ id: "g", name: "g", type: "geoPoint" });
    const value = Object.create({ lon: 50, lat: 50 });
    expect(fieldType(geo).coerce(geo, value)).toEqual({ lon: 0, lat: 0 });
  });
});
