import { describe, expect, it } from "vitest";
import { ApiError } from "../../errors/api-error.js";
import { checkJsonShape } from "./json-body.js";

describe("JSON body shape", () => {
  it("accepts ordinary nested data", () => {
    expect(() => checkJsonShape({ a: [1, { b: "c" }], d: null }, 64)).not.toThrow();
  });

  it.each(["__proto__", "constructor", "prototype"])("refuses the key %s at any depth", (key) => {
    const nested = JSON.parse(`{"ok": {"list": [{"${key}": {"polluted": true}}]}}`);
    expect(() => checkJsonShape(nested, 64)).toThrow(ApiError);
  });

  it("refuses nesting deeper than the limit without recursion", () => {
    const deep = JSON.parse(`${"[".repeat(5000)}${"]".repeat(5000)}`);
    expect(() => checkJsonShape(deep, 64)).toThrow(/deeper than 64/);
    expect(() => checkJsonShape(JSON.parse(`${"[".repeat(64)}${"]".repeat(64)}`), 64)).not.toThrow();
  });
});
