import { describe, expect, it } from "vitest";
import type { Collection, Field } from "../model.js";
import type { OptionsContext } from "./field-type.js";
import { fieldType, normalizeField } from "./index.js";

function collection(id: string, type: Collection["type"], fields: Field[] = []): Collection {
  return {
    id,
    name: id,
    type,
    system: false,
    fields,
    indexes: [],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: "",
    updated: "",
  };
}

const others = [collection("pbc_users000001", "base"), collection("pbc_view0000001", "view")];
const ctx = (fields: Field[] = []): OptionsContext => ({
  collection: collection("pbc_self0000001", "base", fields),
  getCollection: (idOrName) => others.find((c) => c.id === idOrName || c.name === idOrName),
});

function codes(raw: Record<string, unknown>, siblings: Field[] = []): Record<string, string> {
  const field = normalizeField({ id: "f1", name: "f", ...raw });
  const issues = fieldType(field).validateOptions(field, ctx([field, ...siblings]));
  return Object.fromEntries(Object.entries(issues).map(([key, value]) => [key, value.code]));
}

describe("validateOptions", () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, string>]> = [
    ["common: missing name", { type: "bool", name: "" }, { name: "validation_required" }],
    ["common: bad name", { type: "bool", name: "a b" }, { name: "validation_match_invalid" }],
    ["common: reserved name", { type: "bool", name: "expand" }, { name: "validation_not_in_invalid" }],
    ["common: _via_ name", { type: "bool", name: "a_via_b" }, { name: "validation_found_via" }],
    ["common: missing id", { type: "bool", id: "" }, { id: "validation_required" }],
    ["common: wrong-typed flag", { type: "bool", required: "yes" }, { required: "validation_invalid_value" }],
    ["text ok", { type: "text", min: 1, max: 10, pattern: "^a" }, {}],
    ["text min>max", { type: "text", min: 5, max: 2 }, { max: "validation_min_greater_equal_than_required" }],
    ["text negative min", { type: "text", min: -1 }, { min: "validation_min_greater_equal_than_required" }],
    ["text fractional max", { type: "text", max: 1.5 }, { max: "validation_invalid_value" }],
    ["text bad regex", { type: "text", pattern: "(" }, { pattern: "validation_invalid_regex" }],
    ["text autogenerate ok", { type: "text", autogeneratePattern: "[a-z]{5}", pattern: "^[a-z]+$" }, {}],
    [
      "text autogenerate conflicting",
      { type: "text", autogeneratePattern: "[0-9]{5}", pattern: "^[a-z]+$" },
      { autogeneratePattern: "validation_invalid_autogenerate_pattern_value" },
    ],
    [
      "text autogenerate unsupported",
      { type: "text", autogeneratePattern: "[^a]" },
      { autogeneratePattern: "validation_invalid_autogenerate_pattern" },
    ],
    [
      "text primary key not named id",
      { type: "text", name: "key", primaryKey: true, required: true, pattern: "^[a-z]+$" },
      { name: "validation_in_invalid" },
    ],
    [
      "text primary key needs pattern, required, not hidden",
      { type: "text", name: "id", primaryKey: true, hidden: true },
      { pattern: "validation_required", required: "validation_required", hidden: "validation_empty" },
    ],
    ["number ok", { type: "number", min: 1, max: 2 }, {}],
    [
      "number min>max",
      { type: "number", min: 3, max: 2 },
      { max: "validation_min_greater_equal_than_required" },
    ],
    [
      "number onlyInt decimal bound",
      { type: "number", onlyInt: true, min: 1.5 },
      { min: "validation_only_int_constraint" },
    ],
    ["number NaN bound", { type: "number", min: Number.NaN }, { min: "validation_invalid_value" }],
    [
      "email both lists",
      { type: "email", onlyDomains: ["a.com"], exceptDomains: ["b.com"] },
      {
        onlyDomains: "validation_empty",
        exceptDomains: "validation_empty",
      },
    ],
    [
      "email bad domain",
      { type: "email", onlyDomains: ["not a domain"] },
      { onlyDomains: "validation_is_domain" },
    ],
    ["url ok", { type: "url", exceptDomains: ["example.com"] }, {}],
    [
      "editor negative size",
      { type: "editor", maxSize: -1 },
      { maxSize: "validation_min_greater_equal_than_required" },
    ],
    ["date bad min", { type: "date", min: "yesterday" }, { min: "validation_invalid_date" }],
    [
      "date max<min",
      { type: "date", min: "2024-02-01", max: "2024-01-01" },
      { max: "validation_date_invalid" },
    ],
    [
      "autodate neither",
      { type: "autodate", onCreate: false, onUpdate: false },
      {
        onCreate: "validation_required",
        onUpdate: "validation_required",
      },
    ],
    ["autodate update only", { type: "autodate", onCreate: false, onUpdate: true }, {}],
    ["select ok", { type: "select", values: ["a", "b"], maxSelect: 2 }, {}],
    ["select no values", { type: "select" }, { values: "validation_required" }],
    [
      "select duplicate values",
      { type: "select", values: ["a", "a"] },
      { values: "validation_duplicated_value" },
    ],
    ["select empty value", { type: "select", values: ["a", ""] }, { values: "validation_invalid_value" }],
    [
      "select maxSelect>values",
      { type: "select", values: ["a"], maxSelect: 2 },
      {
        maxSelect: "validation_max_less_equal_than_required",
      },
    ],
    [
      "select negative maxSelect",
      { type: "select", values: ["a"], maxSelect: -1 },
      {
        maxSelect: "validation_min_greater_equal_than_required",
      },
    ],
    ["relation ok", { type: "relation", collectionId: "pbc_users000001", maxSelect: 5, minSelect: 2 }, {}],
    ["relation self", { type: "relation", collectionId: "pbc_self0000001" }, {}],
    ["relation missing id", { type: "relation" }, { collectionId: "validation_required" }],
    [
      "relation unknown",
      { type: "relation", collectionId: "nope" },
      {
        collectionId: "validation_field_relation_missing_collection",
      },
    ],
    [
      "relation by name refused",
      { type: "relation", collectionId: "users" },
      {
        collectionId: "validation_field_relation_missing_collection",
      },
    ],
    [
      "relation to a view",
      { type: "relation", collectionId: "pbc_view0000001" },
      {
        collectionId: "validation_relation_field_non_view_base_collection",
      },
    ],
    [
      "relation min>max",
      { type: "relation", collectionId: "pbc_users000001", minSelect: 3, maxSelect: 2 },
      {
        maxSelect: "validation_min_greater_equal_than_required",
      },
    ],
    ["file ok", { type: "file", maxSelect: 3, thumbs: ["100x100", "0x50t"], mimeTypes: ["image/png"] }, {}],
    ["file bad thumb", { type: "file", thumbs: ["0x0"] }, { thumbs: "validation_match_invalid" }],
    ["file bad mime", { type: "file", mimeTypes: ["png"] }, { mimeTypes: "validation_match_invalid" }],
    [
      "json negative size",
      { type: "json", maxSize: -5 },
      { maxSize: "validation_min_greater_equal_than_required" },
    ],
    ["geoPoint ok", { type: "geoPoint" }, {}],
    ["password ok", { type: "password", min: 10, max: 100, cost: 12 }, {}],
    [
      "password bad cost",
      { type: "password", cost: 2 },
      { cost: "validation_min_greater_equal_than_required" },
    ],
    [
      "password max<min",
      { type: "password", min: 20, max: 10 },
      { max: "validation_min_greater_equal_than_required" },
    ],
    ["password bad pattern", { type: "password", pattern: "[" }, { pattern: "validation_invalid_regex" }],
  ];

  it.each(cases)("%s", (_label, raw, expected) => {
    expect(codes(raw)).toEqual(expected);
  });

  it("refuses a second primary key", () => {
    const other = normalizeField({
      id: "o",
      name: "id",
      type: "text",
      primaryKey: true,
      required: true,
      pattern: "^a",
    });
    const issues = codes({ type: "text", name: "id", primaryKey: true, required: true, pattern: "^a" }, [
      other,
    ]);
    expect(issues).toEqual({ primaryKey: "validation_unsupported_composite_pk" });
  });
});
