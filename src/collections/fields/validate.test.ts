import { describe, expect, it } from "vitest";
import type { Collection, Field } from "../model.js";
import type { ValueContext } from "./field-type.js";
import { fieldType, normalizeField } from "./index.js";

const created: ValueContext = { isNew: true };

function code(raw: Record<string, unknown>, value: unknown, ctx: ValueContext = created): string | null {
  const field = normalizeField({ id: "f1", name: "f", ...raw });
  return fieldType(field).validate(field, value, ctx)?.code ?? null;
}

const id15 = "abcdefghij12345";

describe("validate", () => {
  const cases: Array<[string, Record<string, unknown>, unknown, string | null]> = [
    ["text ok", { type: "text" }, "hello", null],
    ["text empty optional", { type: "text" }, "", null],
    ["text required", { type: "text", required: true }, "", "validation_required"],
    ["text non-string", { type: "text" }, 5, "validation_unsupported_value_type"],
    ["text object", { type: "text" }, { a: 1 }, "validation_unsupported_value_type"],
    ["text min", { type: "text", min: 3 }, "ab", "validation_min_text_constraint"],
    ["text max", { type: "text", max: 3 }, "abcd", "validation_max_text_constraint"],
    ["text max counts runes, not bytes or UTF-16 units", { type: "text", max: 3 }, "😀é😀", null],
    ["text min counts runes", { type: "text", min: 4 }, "😀😀", "validation_min_text_constraint"],
    ["text default max 5000", { type: "text" }, "x".repeat(5001), "validation_max_text_constraint"],
    ["text default max allows 5000", { type: "text" }, "x".repeat(5000), null],
    ["text pattern", { type: "text", pattern: "^[a-z]+$" }, "ABC", "validation_invalid_format"],
    ["text pattern ok", { type: "text", pattern: "^[a-z]+$" }, "abc", null],
    [
      "text pk forbidden",
      { type: "text", name: "id", primaryKey: true, pattern: ".+", required: true },
      "a/b",
      "validation_pk_forbidden",
    ],
    ["number ok", { type: "number" }, 3, null],
    ["number string", { type: "number" }, "3", "validation_invalid_number"],
    ["number NaN", { type: "number" }, Number.NaN, "validation_not_a_number"],
    ["number Infinity", { type: "number" }, Number.POSITIVE_INFINITY, "validation_not_a_number"],
    ["number required zero", { type: "number", required: true }, 0, "validation_required"],
    ["number zero skips min", { type: "number", min: 5 }, 0, null],
    ["number min", { type: "number", min: 5 }, 4, "validation_min_number_constraint"],
    ["number max", { type: "number", max: 5 }, 6, "validation_max_number_constraint"],
    ["number onlyInt", { type: "number", onlyInt: true }, 1.5, "validation_only_int_constraint"],
    ["number onlyInt ok", { type: "number", onlyInt: true }, -7, null],
    ["bool ok", { type: "bool" }, false, null],
    ["bool required false", { type: "bool", required: true }, false, "validation_required"],
    ["bool garbage", { type: "bool" }, "maybe", "validation_invalid_bool"],
    ["email ok", { type: "email" }, "a.b+c@example.com", null],
    ["email invalid", { type: "email" }, "not-an-email", "validation_is_email"],
    ["email two ats", { type: "email" }, "a@b@example.com", "validation_is_email"],
    ["email too long", { type: "email" }, `${"a".repeat(250)}@example.com`, "validation_is_email"],
    ["email required", { type: "email", required: true }, "", "validation_required"],
    [
      "email onlyDomains",
      { type: "email", onlyDomains: ["example.com"] },
      "a@other.com",
      "validation_email_domain_not_allowed",
    ],
    ["email onlyDomains ok any case", { type: "email", onlyDomains: ["example.com"] }, "a@Example.COM", null],
    [
      "email exceptDomains",
      { type: "email", exceptDomains: ["spam.com"] },
      "a@spam.com",
      "validation_email_domain_not_allowed",
    ],
    ["url ok", { type: "url" }, "https://example.com/a?b=c", null],
    ["url no scheme", { type: "url" }, "example.com", "validation_invalid_url"],
    ["url spaces", { type: "url" }, "https://exa mple.com", "validation_invalid_url"],
    ["url javascript", { type: "url" }, "javascript:alert(1)", "validation_invalid_url"],
    [
      "url onlyDomains",
      { type: "url", onlyDomains: ["example.com"] },
      "https://other.com",
      "validation_url_domain_not_allowed",
    ],
    [
      "url exceptDomains",
      { type: "url", exceptDomains: ["example.com"] },
      "https://example.com:8080/x",
      "validation_url_domain_not_allowed",
    ],
    ["editor ok", { type: "editor" }, "<p>hi</p>", null],
    ["editor size counts bytes", { type: "editor", maxSize: 4 }, "éé€", "validation_content_size_limit"],
    ["editor required", { type: "editor", required: true }, "", "validation_required"],
    ["date ok", { type: "date" }, "2024-01-01 00:00:00.000Z", null],
    ["date not canonical", { type: "date" }, "2024-01-01", "validation_invalid_date"],
    ["date garbage", { type: "date" }, "tomorrow", "validation_invalid_date"],
    ["date non-string", { type: "date" }, 17, "validation_unsupported_value_type"],
    ["date required", { type: "date", required: true }, "", "validation_required"],
    [
      "date min",
      { type: "date", min: "2024-01-01" },
      "2023-12-31 23:59:59.999Z",
      "validation_min_greater_equal_than_required",
    ],
    [
      "date max",
      { type: "date", max: "2024-01-01" },
      "2024-01-01 00:00:00.001Z",
      "validation_max_less_equal_than_required",
    ],
    [
      "date at bound",
      { type: "date", min: "2024-01-01", max: "2024-01-01" },
      "2024-01-01 00:00:00.000Z",
      null,
    ],
    ["autodate accepts anything", { type: "autodate" }, "garbage", null],
    ["select ok", { type: "select", values: ["a", "b"] }, "a", null],
    ["select not in values", { type: "select", values: ["a", "b"] }, "z", "validation_invalid_value"],
    ["select wrong type", { type: "select", values: ["a"] }, 5, "validation_invalid_value"],
    ["select required", { type: "select", values: ["a"], required: true }, "", "validation_required"],
    [
      "select single given two",
      { type: "select", values: ["a", "b"] },
      ["a", "b"],
      "validation_too_many_values",
    ],
    ["multi select ok", { type: "select", values: ["a", "b"], maxSelect: 2 }, ["a", "b"], null],
    [
      "multi select too many",
      { type: "select", values: ["a", "b", "c"], maxSelect: 2 },
      ["a", "b", "c"],
      "validation_too_many_values",
    ],
    [
      "multi select required",
      { type: "select", values: ["a"], maxSelect: 2, required: true },
      [],
      "validation_required",
    ],
    [
      "multi select nested",
      { type: "select", values: ["a"], maxSelect: 2 },
      [["a"]],
      "validation_invalid_value",
    ],
    ["relation ok", { type: "relation", collectionId: "c" }, id15, null],
    ["relation bad id", { type: "relation", collectionId: "c" }, "ABC", "validation_missing_rel_records"],
    ["relation required", { type: "relation", collectionId: "c", required: true }, "", "validation_required"],
    [
      "relation minSelect",
      { type: "relation", collectionId: "c", maxSelect: 5, minSelect: 2 },
      [id15],
      "validation_not_enough_values",
    ],
    [
      "relation maxSelect",
      { type: "relation", collectionId: "c", maxSelect: 2 },
      [id15, "bbbbbbbbbbbbbbb", "ccccccccccccccc"],
      "validation_too_many_values",
    ],
    [
      "relation wrong type",
      { type: "relation", collectionId: "c" },
      { id: id15 },
      "validation_unsupported_value_type",
    ],
    ["file ok", { type: "file" }, "photo_abc.png", null],
    ["file path traversal", { type: "file" }, "../etc/passwd", "validation_invalid_file"],
    ["file hidden", { type: "file" }, ".env", "validation_invalid_file"],
    ["file too many", { type: "file", maxSelect: 2 }, ["a", "b", "c"], "validation_too_many_files"],
    ["file required", { type: "file", required: true }, "", "validation_required"],
    ["json ok", { type: "json" }, { a: [1, "x", null, true] }, null],
    ["json null optional", { type: "json" }, null, null],
    ["json required null", { type: "json", required: true }, null, "validation_required"],
    ["json required {}", { type: "json", required: true }, {}, "validation_required"],
    ["json required []", { type: "json", required: true }, [], "validation_required"],
    ["json required ''", { type: "json", required: true }, "", "validation_required"],
    ["json required 0 is a value", { type: "json", required: true }, 0, null],
    ["json size", { type: "json", maxSize: 10 }, { key: "0123456789" }, "validation_json_size_limit"],
    ["json NaN", { type: "json" }, { a: Number.NaN }, "validation_invalid_json"],
    ["json Date", { type: "json" }, { a: new Date() }, "validation_invalid_json"],
    ["json undefined in array", { type: "json" }, [undefined], "validation_invalid_json"],
    ["json function", { type: "json" }, () => 1, "validation_invalid_json"],
    ["json bigint", { type: "json" }, 1n, "validation_invalid_json"],
    ["geo ok", { type: "geoPoint" }, { lon: 23.3, lat: 42.7 }, null],
    ["geo required zero", { type: "geoPoint", required: true }, { lon: 0, lat: 0 }, "validation_required"],
    ["geo lat", { type: "geoPoint" }, { lon: 0, lat: 91 }, "validation_invalid_latitude"],
    ["geo lon", { type: "geoPoint" }, { lon: -181, lat: 0 }, "validation_invalid_longitude"],
    ["geo NaN", { type: "geoPoint" }, { lon: Number.NaN, lat: 0 }, "validation_unsupported_value_type"],
    ["geo string", { type: "geoPoint" }, "here", "validation_unsupported_value_type"],
    ["password ok", { type: "password" }, "correct horse", null],
    ["password min default 8", { type: "password" }, "short", "validation_min_text_constraint"],
    ["password max default 71", { type: "password" }, "x".repeat(72), "validation_max_text_constraint"],
    ["password custom max", { type: "password", max: 200 }, "x".repeat(150), null],
    ["password pattern", { type: "password", pattern: "\\d" }, "no digits here", "validation_invalid_format"],
    ["password required", { type: "password", required: true }, "", "validation_required"],
  ];

  it.each(cases)("%s", (_label, field, value, expected) => {
    expect(code(field, value)).toBe(expected);
  });

  it("refuses a changed primary key on update, accepts the unchanged one", () => {
    const pk = { type: "text", name: "id", primaryKey: true, required: true, pattern: "^[a-z0-9]+$" };
    expect(code(pk, "newid", { isNew: false, previous: "oldid" })).toBe("validation_pk_change");
    expect(code(pk, "OLD_ID", { isNew: false, previous: "OLD_ID" })).toBeNull();
  });

  it("checks relation ids against the target collection's id pattern when it is known", () => {
    const idField = normalizeField({
      id: "i",
      name: "id",
      type: "text",
      primaryKey: true,
      pattern: "^[A-Z]{3}$",
    });
    const target = { id: "c", name: "c", type: "base", fields: [idField as Field] } as Collection;
    const ctx: ValueContext = { isNew: true, getCollection: (key) => (key === "c" ? target : undefined) };
    expect(code({ type: "relation", collectionId: "c" }, "ABC", ctx)).toBeNull();
    expect(code({ type: "relation", collectionId: "c" }, id15, ctx)).toBe("validation_missing_rel_records");
    expect(code({ type: "relation", collectionId: "c" }, "A/B", ctx)).toBe("validation_missing_rel_records");
  });

  it("returns PocketBase's message and params", () => {
    const field = normalizeField({ id: "f", name: "f", type: "text", max: 2 });
    expect(fieldType(field).validate(field, "abc", created)).toEqual({
      code: "validation_max_text_constraint",
      message: "Must be no more than 2 character(s).",
      params: { max: 2 },
    });
    const required = normalizeField({ id: "f", name: "f", type: "text", required: true });
    expect(fieldType(required).validate(required, "", created)).toEqual({
      code: "validation_required",
      message: "Missing required value.",
    });
  });
});
