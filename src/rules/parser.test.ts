import { describe, expect, it } from "vitest";
import { ApiError } from "../errors/api-error.js";
import type { Comparison, Expr, Operand } from "./ast.js";
import { LruCache } from "./cache.js";
import { needsData, parseFilter, printExpr } from "./index.js";
import { LIMITS } from "./limits.js";

const compare = (source: string) => parseFilter(source) as Comparison;
const left = (source: string): Operand => compare(source).left;

function failure(source: string): string {
  try {
    parseFilter(source);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    return (err as ApiError).message;
  }
  throw new Error(`expected "${source}" to fail`);
}

describe("operators", () => {
  it.each(["=", "!=", ">", ">=", "<", "<=", "~", "!~"])("%s and ?%s", (op) => {
    expect(compare(`a ${op} 1`)).toMatchObject({ kind: "compare", op, any: false });
    expect(compare(`a ?${op} 1`)).toMatchObject({ kind: "compare", op, any: true });
    expect(compare(`a${op}1`)).toMatchObject({ op });
  });
});

describe("literals", () => {
  it.each([
    ['"double"', { kind: "string", value: "double" }],
    ["'single'", { kind: "string", value: "single" }],
    ['"say \\"hi\\""', { kind: "string", value: 'say "hi"' }],
    ["'it\\'s'", { kind: "string", value: "it's" }],
    ["'back\\\\slash'", { kind: "string", value: "back\\slash" }],
    ["'a\\b'", { kind: "string", value: "a\\b" }],
    ["''", { kind: "string", value: "" }],
    ["12", { kind: "number", value: 12 }],
    ["-3.25", { kind: "number", value: -3.25 }],
    [".5", { kind: "number", value: 0.5 }],
    ["null", { kind: "null" }],
    ["true", { kind: "bool", value: true }],
    ["false", { kind: "bool", value: false }],
  ])("%s", (text, expected) => {
    expect(compare(`x = ${text}`).right).toEqual(expected);
  });
});

describe("identifiers", () => {
  it("field paths and modifiers", () => {
    expect(left("author.team.name = 1")).toEqual({
      kind: "field",
      path: ["author", "team", "name"],
      modifier: null,
    });
    expect(left("comments_via_post.message ?= 1")).toMatchObject({ path: ["comments_via_post", "message"] });
    for (const m of ["isset", "changed", "length", "each", "lower"]) {
      expect(left(`tags:${m} = 1`)).toEqual({ kind: "field", path: ["tags"], modifier: m });
    }
  });

  it("macros", () => {
    for (const name of [
      "now",
      "second",
      "minute",
      "hour",
      "weekday",
      "day",
      "month",
      "year",
      "todayStart",
      "todayEnd",
      "monthStart",
      "monthEnd",
      "yearStart",
      "yearEnd",
      "yesterday",
      "tomorrow",
    ]) {
      expect(left(`@${name} = 1`)).toEqual({ kind: "macro", name });
    }
  });

  it("@request", () => {
    expect(left("@request.auth.team.name = 1")).toEqual({
      kind: "request",
      area: "auth",
      path: ["team", "name"],
      modifier: null,
    });
    expect(left("@request.body.title:changed = 1")).toMatchObject({
      area: "body",
      path: ["title"],
      modifier: "changed",
    });
    expect(left("@request.query.page = 1")).toMatchObject({ area: "query", path: ["page"] });
    expect(left("@request.headers.x_token = 1")).toMatchObject({ area: "headers", path: ["x_token"] });
    expect(left("@request.method = 1")).toMatchObject({ area: "method", path: [] });
    expect(left("@request.context = 1")).toMatchObject({ area: "context", path: [] });
  });

  it("@collection with and without alias", () => {
    expect(left("@collection.users.name = 1")).toEqual({
      kind: "collection",
      name: "users",
      alias: null,
      path: ["name"],
      modifier: null,
    });
    expect(left("@collection.users:u2.team.name:lower = 1")).toEqual({
      kind: "collection",
      name: "users",
      alias: "u2",
      path: ["team", "name"],
      modifier: "lower",
    });
  });

  it("functions", () => {
    expect(left("strftime('%Y', created, 'start of day') = 1")).toMatchObject({
      kind: "call",
      name: "strftime",
    });
    expect(left("geoDistance(a.lon, a.lat, 1, -2) < 1")).toMatchObject({ kind: "call", name: "geoDistance" });
  });
});

describe("structure", () => {
  it("&& binds tighter than ||, parentheses override, left to right", () => {
    expect(printExpr(parseFilter("a = 1 || b = 2 && c = 3"))).toBe("(a = 1 || (b = 2 && c = 3))");
    expect(printExpr(parseFilter("(a = 1 || b = 2) && c = 3"))).toBe("((a = 1 || b = 2) && c = 3)");
    expect(printExpr(parseFilter("a = 1 && b = 2 && c = 3"))).toBe("((a = 1 && b = 2) && c = 3)");
  });

  it("skips // comments", () => {
    expect(parseFilter("// leading\na = 1 // trailing\n&& b = 'x // not a comment'")).toEqual(
      parseFilter("a = 1 && b = 'x // not a comment'"),
    );
  });

  it("prints back to text that parses to the same tree", () => {
    const source = `a.b:lower ?!~ "x\\"y\\\\" && (@request.auth.id != null || @collection.u:v.w >= -1.5) && strftime('%Y', c) = @now`;
    const expr = parseFilter(source);
    expect(parseFilter(printExpr(expr))).toEqual(expr);
  });

  it("freezes and caches trees", () => {
    const expr = parseFilter("cached = 1");
    expect(Object.isFrozen(expr)).toBe(true);
    expect(parseFilter("cached = 1")).toBe(expr);
  });
});

describe("errors are clear 400s", () => {
  it.each([
    ["", /unexpected end of expression/],
    ["a = 'open", /unterminated string starting at position 4/],
    ["a == 1", /expected a value or field at position 3/],
    ["a === 1", /expected a value or field/],
    ["a <> 1", /expected a value or field at position 3/],
    ["a & b", /unexpected character "&" at position 2/],
    ["a = 1 b = 2", /unexpected "b" at position 6/],
    ["a 1", /expected an operator at position 2/],
    ["(a = 1", /unexpected end of expression, expected '\)'/],
    ["a = 1)", /unexpected "\)" at position 5/],
    ["a = 1e5", /malformed number/],
    ["a:upper = 1", /unknown modifier ":upper"/],
    ["@nope = 1", /unknown identifier "@nope"/],
    ["@request.nope = 1", /unknown identifier/],
    ["@request.method.x = 1", /malformed identifier/],
    ["@collection.users = 1", /malformed identifier/],
    ["a..b = 1", /malformed identifier/],
    ["nope(1) = 1", /unknown function "nope"/],
    ["geoDistance(1, 2) = 1", /geoDistance\(\) takes 4 arguments, got 2/],
    ["a = 1 &&", /unexpected end of expression/],
  ])("%j", (source, message) => {
    expect(failure(source)).toMatch(message);
  });

  it("limits the length", () => {
    const long = `a = "${"x".repeat(LIMITS.maxSourceLength)}"`;
    expect(failure(long)).toMatch(/too long \(max 3500 characters\)/);
  });

  it("limits the nesting depth", () => {
    const deep = `${"(".repeat(40)}a = 1${")".repeat(40)}`;
    expect(failure(deep)).toMatch(/nested too deeply .*max 32/);
    const ok = `${"(".repeat(32)}a = 1${")".repeat(32)}`;
    expect(() => parseFilter(ok)).not.toThrow();
  });

  it("limits the number of expressions", () => {
    const many = Array.from({ length: 201 }, (_, i) => `a = ${i}`).join(" || ");
    expect(failure(many)).toMatch(/too many expressions \(max 200\)/);
  });

  it("messages never carry stack traces", () => {
    expect(failure("a = 'x")).not.toMatch(/\n\s+at /);
  });
});

describe("needsData", () => {
  it.each([
    ["title = 1", false],
    ["@request.auth.id = author", false],
    ["author.name = 1", true],
    ["comments_via_post.id ?= 1", true],
    ["@collection.x.y = 1", true],
    ["@request.auth.team.name = 1", true],
  ])("%s → %s", (source, expected) => {
    expect(needsData(parseFilter(source) as Expr)).toBe(expected);
  });
});

describe("LruCache", () => {
  it("evicts the least recently used entry", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.get("a");
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.size).toBe(2);
  });
});
