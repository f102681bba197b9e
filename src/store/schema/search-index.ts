import { createHash } from "node:crypto";
import type { SearchDefinition } from "../../collections/search-types.js";
import type { DialectName } from "../sql-fragments.js";
import { quoteIdent } from "./quote.js";

/**
 * The DDL of a collection's full-text search index.
 *
 * SQLite: an FTS5 table over the collection's table (external content: the words are indexed, the
 * text stays in the collection's table), keyed by the row's rowid, kept in step by three triggers,
 * so every write (API, batch, import, restore, hooks, migrations, the SQL console) updates it in
 * its own transaction. PostgreSQL: a stored generated `tsvector` column with a GIN index.
 * Neither has a copy a backup needs: backups leave them out and a restore builds them again.
 */

/** Every name of a search table (and of FTS5's shadow tables) begins with this. */
export const SEARCH_TABLE_PREFIX = "_search_";
/** The generated tsvector column on PostgreSQL. */
export const SEARCH_COLUMN = "_search";

/** Whether a table is a search index (or one of its FTS5 shadow tables), not data. */
export function isSearchTable(name: string): boolean {
  return name.startsWith(SEARCH_TABLE_PREFIX);
}

/** `_search_<table><suffix>`, shortened with a hash past PostgreSQL's 63-byte names. */
export function searchObjectName(table: string, suffix = ""): string {
  const name = `${SEARCH_TABLE_PREFIX}${table}${suffix}`;
  if (name.length <= 56) return name;
  const hash = createHash("sha256").update(table).digest("hex").slice(0, 8);
  return `${SEARCH_TABLE_PREFIX}${table.slice(0, 30)}_${hash}${suffix}`;
}

const TRIGGERS = ["_ai", "_ad", "_au"] as const;

/** Statements that create the index and fill it from the rows already there. */
export function createSearchIndexSql(def: SearchDefinition, dialect: DialectName): string[] {
  const table = quoteIdent(def.table);
  const cols = def.fields.map(quoteIdent);
  if (dialect === "postgres") {
    const text = cols.map((c) => `coalesce(${c}, '')`).join(" || ' ' || ");
    return [
      `ALTER TABLE ${table} ADD COLUMN ${quoteIdent(SEARCH_COLUMN)} tsvector GENERATED ALWAYS AS (to_tsvector('${def.language}'::regconfig, ${text})) STORED`,
      `CREATE INDEX ${quoteIdent(searchObjectName(def.table))} ON ${table} USING gin (${quoteIdent(SEARCH_COLUMN)})`,
    ];
  }
  const fts = quoteIdent(searchObjectName(def.table));
  const [insert, del, update] = TRIGGERS.map((s) => quoteIdent(searchObjectName(def.table, s)));
  const list = cols.join(", ");
  const values = (row: "new" | "old") => cols.map((c) => `${row}.${c}`).join(", ");
  const add = `INSERT INTO ${fts}(rowid, ${list}) VALUES (new.rowid, ${values("new")});`;
  const remove = `INSERT INTO ${fts}(${fts}, rowid, ${list}) VALUES ('delete', old.rowid, ${values("old")});`;
  // No diacritics folding: PostgreSQL's configurations keep accents too.
  const tokenizer =
    def.language === "english" ? "porter unicode61 remove_diacritics 0" : "unicode61 remove_diacritics 0";
  return [
    `CREATE VIRTUAL TABLE ${fts} USING fts5(${list}, content='${def.table}', content_rowid='rowid', tokenize='${tokenizer}')`,
    `CREATE TRIGGER ${insert} AFTER INSERT ON ${table} BEGIN ${add} END`,
    `CREATE TRIGGER ${del} AFTER DELETE ON ${table} BEGIN ${remove} END`,
    `CREATE TRIGGER ${update} AFTER UPDATE OF ${list} ON ${table} BEGIN ${remove} ${add} END`,
    `INSERT INTO ${fts}(${fts}) VALUES ('rebuild')`,
  ];
}

/** Statements that remove the index (run before the collection's table changes or goes). */
export function dropSearchIndexSql(def: SearchDefinition, dialect: DialectName): string[] {
  if (dialect === "postgres") {
    return [
      `DROP INDEX IF EXISTS ${quoteIdent(searchObjectName(def.table))}`,
      `ALTER TABLE ${quoteIdent(def.table)} DROP COLUMN IF EXISTS ${quoteIdent(SEARCH_COLUMN)}`,
    ];
  }
  return [
    ...TRIGGERS.map((s) => `DROP TRIGGER IF EXISTS ${quoteIdent(searchObjectName(def.table, s))}`),
    `DROP TABLE IF EXISTS ${quoteIdent(searchObjectName(def.table))}`,
  ];
}
