import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { invalidJson, jsonErrorOffset, jsonErrorPosition } from "./invalid-json.js";

describe("where a JSON text stops being valid", () => {
  it.each([
    ['{"title": "x",', 14, "a member missing after a comma"],
    ["[1, 2,]", 6, "a trailing comma in a list (V8 names no position)"],
    ['{"a": NaN}', 6, "NaN (V8 names no position)"],
    ["{'a': 1}", 1, "single quotes"],
    ['{"a": 1}}', 8, "a second closing brace"],
    ['{"a": "x" "b": 2}', 10, "a missing comma"],
    ['{"a": "tab\there"}', 10, "a raw control character in a string"],
    ['{"a": "\\x"}', 7, "an unknown escape"],
    ['{"a": 01}', 7, "a leading zero"],
    ['{"a": 1.}', 8, "a fraction without digits"],
    ['{"a": [1, {"b": tru}]}', 16, "a misspelt literal, nested"],
    ['{"a": "unterminated', 19, "an unterminated string"],
    ["", 0, "nothing at all"],
  ])("%s → offset %i (%s)", (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it("counts lines and columns from 1", () => {
    expect(jsonErrorPosition('{\n  "a": 1\n  "b": 2\n}')).toEqual({ offset: 13, line: 3, column: 3 });
  });

  it("says where in the message, in the API's error shape", () => {
    const err = invalidJson("The request body", '{\n  "title": "x",\n}');
    expect(err.toJSON()).toEqual({
      status: 400,
      message: "The request body is not valid JSON (line 3, column 1).",
      data: {},
    });
  });

  it("finds no error in valid JSON and one in every text JSON.parse refuses", () => {
    const valid = fc.jsonValue().map((v) => JSON.stringify(v, null, 1));
    // Valid documents, and the same documents with a few characters replaced, cut or inserted.
    const mutated = fc
      .tuple(valid, fc.nat(), fc.constantFrom("", ",", "}", "]", '"', "x", ":", "\\", "\n", "0", "-"))
      .map(([text, at, piece]) => {
        const i = text.length === 0 ? 0 : at % text.length;
        return text.slice(0, i) + piece + text.slice(i + (at % 2));
      });
    fc.assert(
      fc.property(fc.oneof(valid, mutated), (text) => {
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        const offset = jsonErrorOffset(text);
        expect(offset === null, `${JSON.stringify(text)} → ${offset}`).toBe(parses);
        if (offset !== null) expect(offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 3000 },
    );
  });

  it("handles any nesting depth and very long strings without recursion", () => {
    expect(jsonErrorOffset(`${"[".repeat(200_000)}1${"]".repeat(199_999)}`)).toBe(400_000);
    expect(jsonErrorOffset(`{"a": "${"x".repeat(30 * 1024 * 1024)}`)).toBe(30 * 1024 * 1024 + 7);
  });
});
