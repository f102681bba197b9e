import { describe, expect, it } from "vitest";
import type { DialectName } from "../../store/sql-fragments.js";
import { fieldType, normalizeField } from "./index.js";
import { samples } from "./test-support/sample-fields.js";

describe("zero", () => {
  const cases: Array<[Record<string, unknown>, unknown]> = [
    [{ type: "text" }, ""],
    [{ type: "number" }, 0],
    [{ type: "bool" }, false],
    [{ type: "date" }, ""],
    [{ type: "select", maxSelect: 2 }, []],
    [{ type: "select" }, ""],
    [{ type: "relation", maxSelect: 2 }, []],
    [{ type: "file", maxSelect: 2 }, []],
    [{ type: "json" }, null],
    [{ type: "geoPoint" }, { lon: 0, lat: 0 }],
    [{ type: "password" }, ""],
  ];
  it.each(cases)("%j", (raw, expected) => {
    const field = normalizeField({ id: "f", name: "f", ...raw });
    expect(fieldType(field).zero(field)).toEqual(expected);
  });
});

/** What each driver hands back for a bound parameter, without a database. */
function simulateDriver(dialect: DialectName, storage: string, bound: unknown): unknown {
  if (dialect === "postgres" && storage === "json")
    return bound === null ? null : JSON.parse(bound as string);
  if (dialect === "sqlite" && typeof bound === "boolean") return bound ? 1 : 0;
  return bound;
}

describe("toDb / fromDb", () => {
  for (const dialect of ["sqlite", "postgres"] as const) {
    it.each(samples.map((s) => [s.field.name, s] as const))(
      `${dialect}: %s round-trips`,
      (_name, { field, value }) => {
        const def = fieldType(field);
        const bound = def.toDb(field, value, dialect);
        const back = def.fromDb(field, simulateDriver(dialect, def.column(field).storage, bound), dialect);
        expect(back).toEqual(value);
      },
    );
  }

  it("binds bools as 0/1 on SQLite and booleans on PostgreSQL", () => {
    const field = normalizeField({ id: "b", name: "b", type: "bool" });
    const def = fieldType(field);
    expect([def.toDb(field, true, "sqlite"), def.toDb(field, false, "sqlite")]).toEqual([1, 0]);
    expect([def.toDb(field, true, "postgres"), def.toDb(field, false, "postgres")]).toEqual([true, false]);
  });

  it("binds lists as JSON text for both dialects, so pg does not build a PG array", () => {
    const field = normalizeField({ id: "t", name: "t", type: "select", maxSelect: 3 });
    expect(fieldType(field).toDb(field, ["a"], "postgres")).toBe('["a"]');
    expect(fieldType(field).toDb(field, ["a"], "sqlite")).toBe('["a"]');
  });

  it("stores json null as SQL NULL and reads NULL as null", () => {
    const field = normalizeField({ id: "j", name: "j", type: "json" });
    expect(fieldType(field).toDb(field, null, "postgres")).toBeNull();
    expect(fieldType(field).fromDb(field, null, "sqlite")).toBeNull();
  });

  it("keeps a pg jsonb string that looks like a number a string", () => {
    const field = normalizeField({ id: "j", name: "j", type: "json" });
    expect(fieldType(field).fromDb(field, "123", "postgres")).toBe("123");
    expect(fieldType(field).fromDb(field, '"123"', "sqlite")).toBe("123");
  });

  it("reads a list column back after maxSelect changed", () => {
    const single = normalizeField({ id: "s", name: "s", type: "select" });
    const multi = normalizeField({ id: "s", name: "s", type: "select", maxSelect: 3 });
    expect(fieldType(multi).fromDb(multi, "a", "sqlite")).toEqual(["a"]);
    expect(fieldType(single).fromDb(single, ["a", "b"], "postgres")).toBe("b");
    expect(fieldType(multi).fromDb(multi, null, "sqlite")).toEqual([]);
  });

  it("reads SQL NULL as the zero value for NOT NULL-style types", () => {
    for (const { field } of samples) {
      const def = fieldType(field);
      expect(def.fromDb(field, null, "sqlite")).toEqual(def.zero(field));
    }
  });
});
