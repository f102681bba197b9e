import { describe, expect, it } from "vitest";
import { ApiError } from "../../errors/api-error.js";
import type { Field } from "../model.js";
import { normalizeField } from "./index.js";

const common = { id: "f1", name: "f", system: false, hidden: false, presentable: false, required: false };

describe("normalizeField defaults", () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ["text", { min: 0, max: 0, pattern: "", autogeneratePattern: "", primaryKey: false, searchable: false }],
    ["number", { min: null, max: null, onlyInt: false }],
    ["bool", {}],
    ["email", { exceptDomains: null, onlyDomains: null }],
    ["url", { exceptDomains: null, onlyDomains: null }],
    ["editor", { maxSize: 0, convertURLs: false, searchable: false }],
    ["date", { min: "", max: "" }],
    ["autodate", { onCreate: true, onUpdate: false }],
    ["select", { values: [], maxSelect: 1 }],
    ["file", { maxSelect: 1, maxSize: 0, mimeTypes: null, thumbs: null, protected: false }],
    ["relation", { collectionId: "", cascadeDelete: false, minSelect: 0, maxSelect: 1 }],
    ["json", { maxSize: 0 }],
    ["geoPoint", {}],
    ["password", { min: 8, max: 0, pattern: "", cost: 0 }],
  ];
  it.each(cases)("%s", (type, options) => {
    expect(normalizeField({ id: "f1", name: "f", type })).toEqual({ ...common, type, ...options });
  });
});

describe("normalizeField input handling", () => {
  it("keeps given options and common flags, drops unknown keys", () => {
    const field = normalizeField({
      id: "t",
      name: "title",
      type: "text",
      required: true,
      hidden: true,
      max: 10,
      junk: "dropped",
      options: { max: 3 },
    });
    expect(field).toEqual({
      ...common,
      id: "t",
      name: "title",
      type: "text",
      required: true,
      hidden: true,
      min: 0,
      max: 10,
      pattern: "",
      autogeneratePattern: "",
      primaryKey: false,
      searchable: false,
    });
  });

  it("coerces option strings from forms", () => {
    const field = normalizeField({
      id: "n",
      name: "n",
      type: "number",
      min: "1.5",
      max: "",
      onlyInt: "true",
    });
    expect(field).toMatchObject({ min: 1.5, max: null, onlyInt: true });
  });

  it("leaves wrong-typed options for validateOptions", () => {
    const field = normalizeField({ id: "s", name: "s", type: "select", values: "a", maxSelect: "lots" });
    expect(field).toMatchObject({ values: "a", maxSelect: "lots" });
  });

  it("maps PocketBase's maxSelect 0 to single (1)", () => {
    for (const type of ["select", "relation", "file"]) {
      expect(
        (normalizeField({ id: "x", name: "x", type, maxSelect: 0 }) as Field & { maxSelect: number })
          .maxSelect,
      ).toBe(1);
    }
  });

  it("normalises date bounds", () => {
    const field = normalizeField({ id: "d", name: "d", type: "date", min: "2024-01-02T03:04:05Z" });
    expect(field).toMatchObject({ min: "2024-01-02 03:04:05.000Z", max: "" });
  });

  it("fills missing id and name with empty strings for validateOptions to report", () => {
    expect(normalizeField({ type: "bool", id: 5 })).toMatchObject({ id: "", name: "" });
  });

  it("does not read inherited keys such as __proto__ pollution", () => {
    const raw = JSON.parse('{"id":"p","name":"p","type":"bool","__proto__":{"required":true}}');
    const field = normalizeField(raw);
    expect(field.required).toBe(false);
    expect(({} as Record<string, unknown>)["required"]).toBeUndefined();
  });

  it.each([["nope"], [undefined], [42], ["__proto__"], ["toString"]])("rejects unknown type %s", (type) => {
    let thrown: unknown;
    try {
      normalizeField({ id: "x", name: "x", type });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    const data = (thrown as ApiError).data as Record<string, { code: string }>;
    expect(data["type"]?.code).toBe("validation_invalid_field_type");
  });
});
