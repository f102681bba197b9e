import { describe, expect, it } from "vitest";
import type { FieldType } from "./index.js";
import { fieldType, fieldTypes, normalizeField } from "./index.js";

/**
 * The GraphQL type each field type declares for the schema (`src/graphql/sdl.ts`), per shape:
 * what a record read holds (non-null: an unset field reads as its zero value), and what a create
 * or update input takes (nullable: the write path checks required values itself).
 */
const cases: Array<[Record<string, unknown>, string | undefined, string | undefined, string | undefined]> = [
  [{ type: "text" }, "String!", "String", "String"],
  [{ type: "text", name: "id", primaryKey: true, pattern: "^a+$" }, "String!", "String", undefined],
  [{ type: "number" }, "Float!", "Float", "Float"],
  [{ type: "bool" }, "Boolean!", "Boolean", "Boolean"],
  // An auth collection leaves the address out for callers who may not see it.
  [{ type: "email" }, "String", "String", "String"],
  [{ type: "url" }, "String!", "String", "String"],
  [{ type: "editor" }, "String!", "String", "String"],
  [{ type: "date" }, "String!", "String", "String"],
  [{ type: "autodate" }, "String!", undefined, undefined],
  [{ type: "select", values: ["a", "b"] }, "String!", "String", "String"],
  [{ type: "select", values: ["a", "b"], maxSelect: 2 }, "[String!]!", "[String!]", "[String!]"],
  // Uploads are multipart: GraphQL reads file names only.
  [{ type: "file" }, "String!", undefined, undefined],
  [{ type: "file", maxSelect: 3 }, "[String!]!", undefined, undefined],
  [{ type: "relation", collectionId: "c" }, "String!", "String", "String"],
  [{ type: "relation", collectionId: "c", maxSelect: 3 }, "[String!]!", "[String!]", "[String!]"],
  [{ type: "json" }, "JSON", "JSON", "JSON"],
  [{ type: "geoPoint" }, "GeoPoint!", "GeoPointInput", "GeoPointInput"],
  [{ type: "password" }, undefined, "String", "String"],
];

describe("graphqlType", () => {
  it("covers every field type", () => {
    const covered = new Set(cases.map(([raw]) => raw["type"]));
    expect([...covered].sort()).toEqual((Object.keys(fieldTypes) as FieldType[]).sort());
  });

  it.each(cases)("%j: read %s, create %s, update %s", (raw, read, create, update) => {
    const field = normalizeField({ id: "f1", name: "f", ...raw });
    const def = fieldType(field);
    expect([
      def.graphqlType(field, "read"),
      def.graphqlType(field, "create"),
      def.graphqlType(field, "update"),
    ]).toEqual([read, create, update]);
  });
});
