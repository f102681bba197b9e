import { describe, expect, it } from "vitest";
import { normalizeField } from "../../collections/fields/index.js";
import type { DialectName } from "../sql-fragments.js";
import { columnSql } from "./column-sql.js";

const column = (raw: Record<string, unknown>, dialect: DialectName) => {
  const field = normalizeField({ id: "f", name: "f", ...raw });
  return columnSql(field, dialect);
};

const TEXT_SQLITE = "TEXT DEFAULT '' NOT NULL";
const TEXT_PG = `TEXT COLLATE "C" DEFAULT '' NOT NULL`;
const LIST_SQLITE = "TEXT DEFAULT '[]' NOT NULL";
const LIST_PG = "JSONB DEFAULT '[]'::jsonb NOT NULL";

describe("columnSql", () => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ["text", { type: "text" }, TEXT_SQLITE, TEXT_PG],
    [
      "id",
      { type: "text", name: "id", primaryKey: true },
      "TEXT PRIMARY KEY NOT NULL",
      `TEXT COLLATE "C" PRIMARY KEY NOT NULL`,
    ],
    ["email", { type: "email" }, TEXT_SQLITE, TEXT_PG],
    ["url", { type: "url" }, TEXT_SQLITE, TEXT_PG],
    ["editor", { type: "editor" }, TEXT_SQLITE, TEXT_PG],
    ["date", { type: "date" }, TEXT_SQLITE, TEXT_PG],
    ["autodate", { type: "autodate" }, TEXT_SQLITE, TEXT_PG],
    ["password", { type: "password" }, TEXT_SQLITE, TEXT_PG],
    ["single select", { type: "select", values: ["a"] }, TEXT_SQLITE, TEXT_PG],
    ["single relation", { type: "relation" }, TEXT_SQLITE, TEXT_PG],
    ["single file", { type: "file" }, TEXT_SQLITE, TEXT_PG],
    ["multi select", { type: "select", maxSelect: 2 }, LIST_SQLITE, LIST_PG],
    ["multi relation", { type: "relation", maxSelect: 2 }, LIST_SQLITE, LIST_PG],
    ["multi file", { type: "file", maxSelect: 2 }, LIST_SQLITE, LIST_PG],
    ["number", { type: "number" }, "REAL DEFAULT 0 NOT NULL", "DOUBLE PRECISION DEFAULT 0 NOT NULL"],
    ["bool", { type: "bool" }, "INTEGER DEFAULT 0 NOT NULL", "BOOLEAN DEFAULT FALSE NOT NULL"],
    ["json", { type: "json" }, "TEXT DEFAULT NULL", "JSONB DEFAULT NULL"],
    [
      "geoPoint",
      { type: "geoPoint" },
      `TEXT DEFAULT '{"lon":0,"lat":0}' NOT NULL`,
      `JSONB DEFAULT '{"lon":0,"lat":0}'::jsonb NOT NULL`,
    ],
  ];
  it.each(cases)("%s", (_label, raw, sqlite, postgres) => {
    expect(column(raw, "sqlite")).toBe(sqlite);
    expect(column(raw, "postgres")).toBe(postgres);
  });
});
