import { describe, expect, it } from "vitest";
import { ApiError } from "../errors/api-error.js";
import { parseFilter, printExpr } from "./index.js";
import { matchesWords, SEARCH_LIMITS, searchWords } from "./search-words.js";

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    return (err as ApiError).message;
  }
  throw new Error("expected a 400");
}

describe("search() in the filter language", () => {
  it("parses as a condition of its own, combinable with && and ||, and prints back", () => {
    const expr = parseFilter("search('carrot cake') && (published = true || search(\"pie\"))");
    expect(printExpr(expr)).toBe('(search("carrot cake") && (published = true || search("pie")))');
    expect(parseFilter(printExpr(expr))).toEqual(expr);
  });

  it("takes exactly one quoted string and is not an operand", () => {
    for (const source of [
      "search(title)",
      "search()",
      "search('a', 'b')",
      "search('a'",
      "search('a') = true",
      "title = search('a')",
      "search(search('a'))",
    ])
      expect(
        refused(() => parseFilter(source)),
        source,
      ).toMatch(/^Invalid filter: /);
  });
});

describe("search query words", () => {
  it("keeps letters, digits and marks, lower-cased; everything else only separates words", () => {
    expect(searchWords('"Carrot" NEAR(cake, 5) title:Crème {a b}: ^x -y +z & | ! <-> 3.14')).toEqual(
      ["carrot", "near", "cake", "5", "title", "crème", "a", "b", "x", "y", "z", "3", "14"].map((text) => ({
        text,
        prefix: false,
      })),
    );
    expect(searchWords("choc* mou *x")).toEqual([
      { text: "choc", prefix: true },
      { text: "mou", prefix: false },
      { text: "x", prefix: false },
    ]);
  });

  it("refuses queries without words, too many or too long words and one-letter prefixes", () => {
    expect(refused(() => searchWords("*"))).toMatch(/no words/);
    expect(refused(() => searchWords(`"" () '`, "search"))).toMatch(/^Invalid search: /);
    expect(refused(() => searchWords("a*"))).toMatch(/prefix/);
    const many = Array.from({ length: SEARCH_LIMITS.maxWords + 1 }, (_, i) => `w${i}`).join(" ");
    expect(refused(() => searchWords(many))).toMatch(/at most/);
    expect(refused(() => searchWords("x".repeat(SEARCH_LIMITS.maxWordLength + 1)))).toMatch(/longer/);
    expect(searchWords("x".repeat(SEARCH_LIMITS.maxWordLength))).toHaveLength(1);
  });

  it("matches in memory (realtime) when every word is a word of the values, prefixes included", () => {
    const values = ["Carrot cake", "<p>Grate the carrots.</p>", null, 5];
    expect(matchesWords(values, searchWords("CAKE grate"))).toBe(true);
    expect(matchesWords(values, searchWords("carrot*"))).toBe(true);
    expect(matchesWords(values, searchWords("carr"))).toBe(false);
    expect(matchesWords(values, searchWords("cake pie"))).toBe(false);
  });
});
