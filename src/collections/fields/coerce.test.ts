import { describe, expect, it } from "vitest";
import type { CoerceSource } from "./field-type.js";
import { fieldType, normalizeField } from "./index.js";

function coerce(raw: Record<string, unknown>, input: unknown, source?: CoerceSource): unknown {
  const field = normalizeField({ id: "f1", name: "f", ...raw });
  return fieldType(field).coerce(field, input, source);
}

const text = { type: "text" };
const number = { type: "number" };
const bool = { type: "bool" };
const date = { type: "date" };
const single = { type: "select", values: ["a", "b", "c"] };
const multi = { type: "select", values: ["a", "b", "c"], maxSelect: 3 };
const relation = { type: "relation", collectionId: "x", maxSelect: 5 };
const json = { type: "json" };
const geo = { type: "geoPoint" };
const obj = { a: 1 };

describe("coerce", () => {
  const cases: Array<[string, Record<string, unknown>, unknown, unknown, CoerceSource?]> = [
    ["text keeps strings", text, "hi", "hi"],
    ["text null → ''", text, null, ""],
    ["text number → string", text, 12, "12"],
    ["text bool → string", text, true, "true"],
    ["text object left", text, obj, obj],
    ["text NaN left", text, Number.NaN, Number.NaN],
    ["number keeps numbers", number, 1.5, 1.5],
    ["number numeric string", number, "12.5", 12.5],
    ["number negative exponent string", number, "-1e3", -1000],
    ["number '' → 0", number, "", 0],
    ["number null → 0", number, null, 0],
    ["number garbage left", number, "12abc", "12abc"],
    ["number hex left", number, "0x10", "0x10"],
    ["number 'Infinity' left", number, "Infinity", "Infinity"],
    ["bool keeps", bool, true, true],
    ["bool 'true'", bool, "true", true],
    ["bool 'false'", bool, "false", false],
    ["bool '1'", bool, "1", true],
    ["bool '0'", bool, "0", false],
    ["bool 'on'", bool, "on", true],
    ["bool ''", bool, "", false],
    ["bool 1", bool, 1, true],
    ["bool garbage left", bool, "maybe", "maybe"],
    ["date canonical", date, "2024-11-10 18:45:27.123Z", "2024-11-10 18:45:27.123Z"],
    ["date ISO", date, "2024-11-10T18:45:27Z", "2024-11-10 18:45:27.000Z"],
    ["date ISO offset", date, "2024-11-10T18:45:27.5+02:00", "2024-11-10 16:45:27.500Z"],
    ["date day only", date, "2024-11-10", "2024-11-10 00:00:00.000Z"],
    ["date no zone = UTC", date, "2024-11-10 18:45:27", "2024-11-10 18:45:27.000Z"],
    ["date nanoseconds truncated", date, "2024-11-10T18:45:27.123456789Z", "2024-11-10 18:45:27.123Z"],
    ["date ''", date, "", ""],
    ["date null", date, null, ""],
    ["date Date object", date, new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6)), "2020-01-02 03:04:05.006Z"],
    ["date impossible day left", date, "2024-02-30", "2024-02-30"],
    ["date garbage left", date, "next tuesday", "next tuesday"],
    ["single select string", single, "a", "a"],
    ["single select one-item list", single, ["a"], "a"],
    ["single select empty list", single, [], ""],
    ["single select long list kept", single, ["a", "b"], ["a", "b"]],
    ["single select null", single, null, ""],
    ["multi select string → list", multi, "a", ["a"]],
    ["multi select no comma split", multi, "a,b", ["a,b"]],
    ["multi select JSON array string", multi, '["a","b"]', ["a", "b"]],
    ["multi select dedupe keeps order", multi, ["b", "a", "b", ""], ["b", "a"]],
    ["multi select null → []", multi, null, []],
    ["multi select numbers → strings", multi, [1, 2], ["1", "2"]],
    ["multi select nested arrays left", multi, [["a"]], [["a"]]],
    ["relation string", relation, "abc", ["abc"]],
    ["json object kept", json, obj, obj],
    ["json string kept from JSON body", json, "[1,2]", "[1,2]"],
    ["json undefined → null", json, undefined, null],
    ["json form array", json, "[1,2]", [1, 2], "form"],
    ["json form object", json, '{"a":1}', { a: 1 }, "form"],
    ["json form number", json, "-12.5", -12.5, "form"],
    ["json form true", json, "true", true, "form"],
    ["json form null", json, "null", null, "form"],
    ["json form quoted", json, '"hi"', "hi", "form"],
    ["json form plain text", json, "hello", "hello", "form"],
    ["json form broken", json, "[1,", "[1,", "form"],
    ["json form empty", json, "", "", "form"],
    ["geo object", geo, { lon: 1, lat: 2 }, { lon: 1, lat: 2 }],
    ["geo strings", geo, { lon: "1.5", lat: "-2" }, { lon: 1.5, lat: -2 }],
    ["geo form JSON", geo, '{"lon":3,"lat":4}', { lon: 3, lat: 4 }],
    ["geo extra keys dropped", geo, { lon: 1, lat: 2, x: 9 }, { lon: 1, lat: 2 }],
    ["geo null → zero", geo, null, { lon: 0, lat: 0 }],
    ["geo garbage left", geo, { lon: "east" }, { lon: "east" }],
    ["password keeps", { type: "password" }, "secret123", "secret123"],
    ["autodate normalises", { type: "autodate" }, "2024-01-01T00:00:00Z", "2024-01-01 00:00:00.000Z"],
    ["file single name", { type: "file" }, "a.png", "a.png"],
    ["file multi", { type: "file", maxSelect: 2 }, "a.png", ["a.png"]],
  ];

  it.each(cases)("%s", (_label, field, input, expected, source) => {
    expect(coerce(field, input, source)).toEqual(expected);
  });
});
