import { describe, expect, it } from "vitest";
import { generateFromPattern } from "./generate-from-pattern.js";

describe("generateFromPattern", () => {
  const cases: Array<[string, RegExp]> = [
    ["[a-z0-9]{15}", /^[a-z0-9]{15}$/],
    ["[a-zA-Z0-9]{50}", /^[a-zA-Z0-9]{50}$/],
    ["^[a-z]{3,5}$", /^[a-z]{3,5}$/],
    ["user-\\d{4}", /^user-\d{4}$/],
    ["[a-c_-]{20}", /^[a-c_-]{20}$/],
    ["(foo|bar)-[0-9]?", /^(foo|bar)-[0-9]?$/],
    ["(?:ab){2}x+y*", /^(ab){2}x+y*$/],
    ["\\w{8}\\.txt", /^\w{8}\.txt$/],
    ["[😀-😂]{2}", /^[😀-😂]{2}$/u],
    ["abc", /^abc$/],
    ["", /^$/],
  ];
  it.each(cases)("%s", (pattern, expected) => {
    for (let i = 0; i < 20; i++) expect(generateFromPattern(pattern)).toMatch(expected);
  });

  it("uses the whole class", () => {
    const seen = new Set(generateFromPattern("[ab]{200}"));
    expect([...seen].sort()).toEqual(["a", "b"]);
  });

  it("gives different ids each time", () => {
    const ids = new Set(Array.from({ length: 100 }, () => generateFromPattern("[a-z0-9]{15}")));
    expect(ids.size).toBe(100);
  });

  it.each(["[^a]{3}", "(a", "[a-", "a{3,1}", "*a", "\\p{L}", "a{99999}", "[z-a]"])(
    "refuses %s",
    (pattern) => {
      expect(() => generateFromPattern(pattern)).toThrow(/autogenerate pattern/i);
    },
  );
});
