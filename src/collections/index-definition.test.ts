import { describe, expect, it } from "vitest";
import { formatIndex, parseIndex } from "./index-definition.js";

describe("index definitions", () => {
  it("parses PocketBase-style index text with quoting, order, collation and a partial condition", () => {
    const def = parseIndex(
      "CREATE UNIQUE INDEX IF NOT EXISTS `idx_email` ON `users` (`email` COLLATE NOCASE DESC, name) WHERE email != ''",
    );
    expect(def).toEqual({
      unique: true,
      name: "idx_email",
      table: "users",
      columns: [{ name: "email", collate: "NOCASE", order: "DESC" }, { name: "name" }],
      where: [
        { kind: "ident", value: "email" },
        { kind: "op", value: "!=" },
        { kind: "string", value: "" },
      ],
    });
    expect(formatIndex(def)).toBe(
      "CREATE UNIQUE INDEX `idx_email` ON `users` (`email` COLLATE NOCASE DESC, `name`) WHERE `email` != ''",
    );
  });

  it.each([
    ["not an index", "CREATE TABLE x (a)"],
    ["a statement after the index", "CREATE INDEX i ON t (a); DROP TABLE t"],
    ["an expression column", "CREATE INDEX i ON t (lower(a))"],
    ["a function in WHERE", "CREATE INDEX i ON t (a) WHERE load_extension('x')"],
    ["an invalid name", "CREATE INDEX `bad name` ON t (a)"],
    ["no columns", "CREATE INDEX i ON t ()"],
  ])("refuses %s", (_, text) => {
    expect(() => parseIndex(text)).toThrow(/Invalid index definition/);
  });
});
