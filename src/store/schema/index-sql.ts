import type { IndexDefinition } from "../../collections/index-definition.js";
import type { DialectName } from "../sql-fragments.js";
import { quoteIdent } from "./quote.js";

/** Emits a parsed index for one dialect; the table name is always the collection's current one. */
export function createIndexSql(def: IndexDefinition, table: string, dialect: DialectName): string {
  const columns = def.columns
    .map((c) => {
      const collate = c.collate ? ` COLLATE ${collation(c.collate, dialect)}` : "";
      return `${quoteIdent(c.name)}${collate}${c.order ? ` ${c.order}` : ""}`;
    })
    .join(", ");
  const where = def.where.length
    ? ` WHERE ${def.where
        .map((t) => {
          if (t.kind === "ident") return quoteIdent(t.value);
          if (t.kind === "string") return `'${t.value.replaceAll("'", "''")}'`;
          if (t.kind === "number") return String(Number(t.value));
          return t.value;
        })
        .join(" ")}`
    : "";
  return `CREATE ${def.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(def.name)} ON ${quoteIdent(table)} (${columns})${where}`;
}

export function dropIndexSql(name: string): string {
  return `DROP INDEX IF EXISTS ${quoteIdent(name)}`;
}

/** SQLite's NOCASE has no PostgreSQL twin; we map it to "C" there and rely on lower() indexes later. */
function collation(name: string, dialect: DialectName): string {
  if (dialect === "sqlite") {
    if (!["NOCASE", "BINARY", "RTRIM"].includes(name)) throw new Error(`unsupported collation ${name}`);
    return name;
  }
  return `"C"`;
}
