import { describe, expect, it } from "vitest";
import type { FieldType } from "./index.js";
import { fieldType, fieldTypes, normalizeField } from "./index.js";

/**
 * The TypeScript type each field type declares for typegen, per shape: what a record read from
 * the API holds, and what a create or update body takes (undefined: the shape leaves it out).
 */
const cases: Array<[Record<string, unknown>, string | undefined, string | undefined, string | undefined]> = [
  [{ type: "text" }, "string", "string", "string"],
  [{ type: "text", name: "id", primaryKey: true, pattern: "^a+$" }, "string", "string", undefined],
  [{ type: "number" }, "number", "number", "number"],
  [{ type: "bool" }, "boolean", "boolean", "boolean"],
  [{ type: "email" }, "string", "string", "string"],
  [{ type: "url" }, "string", "string", "string"],
  [{ type: "editor" }, "string", "string", "string"],
  [{ type: "date" }, "string", "string | Date", "string | Date"],
  [{ type: "autodate" }, "string", undefined, undefined],
  [{ type: "select", values: ["a", "b"] }, '"a" | "b" | ""', '"a" | "b" | ""', '"a" | "b" | ""'],
  [{ type: "select", values: ["a", "b"], required: true }, '"a" | "b"', '"a" | "b"', '"a" | "b"'],
  [
    { type: "select", values: ["a", "b"], maxSelect: 2 },
    'Array<"a" | "b">',
    'Array<"a" | "b">',
    'Array<"a" | "b">',
  ],
  [{ type: "file" }, "string", "Blob | string", "Blob | string"],
  [{ type: "file", maxSelect: 3 }, "string[]", "Array<Blob | string>", "Array<Blob | string>"],
  [{ type: "relation", collectionId: "c" }, "string", "string", "string"],
  [{ type: "relation", collectionId: "c", maxSelect: 3 }, "string[]", "string[]", "string[]"],
  [{ type: "json" }, "unknown", "unknown", "unknown"],
  [{ type: "geoPoint" }, "GeoPoint", "GeoPoint", "GeoPoint"],
  [{ type: "password" }, undefined, "string", "string"],
];

describe("tsType", () => {
  it("covers every field type", () => {
    const covered = new Set(cases.map(([raw]) => raw["type"]));
    expect([...covered].sort()).toEqual((Object.keys(fieldTypes) as FieldType[]).sort());
  });

  it.each(cases)("%j: read %s, create %s, update %s", (raw, read, create, update) => {
    const field = normalizeField({ id: "f1", name: "f", ...raw });
    const def = fieldType(field);
    expect([def.tsType(field, "read"), def.tsType(field, "create"), def.tsType(field, "update")]).toEqual([
      read,
      create,
      update,
    ]);
  });

  it("agrees with the JSON Schema on which shapes carry the field", () => {
    for (const [raw] of cases) {
      const field = normalizeField({ id: "f1", name: "f", ...raw });
      const def = fieldType(field);
      for (const shape of ["read", "create", "update"] as const)
        expect(def.tsType(field, shape) === undefined, `${JSON.stringify(raw)} ${shape}`).toBe(
          def.jsonSchema(field, shape) === undefined,
        );
    }
  });
});
