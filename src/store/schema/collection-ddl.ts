import { sql } from "kysely";
import { parseIndex } from "../../collections/index-definition.js";
import type { Collection, Field } from "../../collections/model.js";
import { sameSearchDefinition, searchDefinition } from "../../collections/search-options.js";
import type { DialectName } from "../sql-fragments.js";
import type { Db } from "../store.js";
import { columnSql } from "./column-sql.js";
import { convertColumnSql } from "./convert-column.js";
import { createIndexSql, dropIndexSql } from "./index-sql.js";
import { quoteIdent } from "./quote.js";
import { createSearchIndexSql, dropSearchIndexSql } from "./search-index.js";

/**
 * Turns a collection change into DDL. Fields are matched by id, so a rename keeps its data;
 * a field whose storage changes (single ↔ multiple) is converted in place through a temporary column.
 */
export async function applyCollectionDdl(
  db: Db,
  dialect: DialectName,
  before: Collection | undefined,
  after: Collection | undefined,
): Promise<void> {
  const run = (text: string) => sql.raw(text).execute(db);
  // The search index is rebuilt only when what it covers changes; it goes first, since it refers
  // to the table's name and columns.
  const searchBefore = before ? searchDefinition(before) : null;
  const searchAfter = after ? searchDefinition(after) : null;
  const searchChanges = !sameSearchDefinition(searchBefore, searchAfter);
  if (searchBefore && searchChanges) for (const s of dropSearchIndexSql(searchBefore, dialect)) await run(s);

  if (before) for (const index of before.indexes) await run(dropIndexSql(parseIndex(index).name));

  if (!after) {
    if (before)
      await run(`DROP ${before.type === "view" ? "VIEW" : "TABLE"} IF EXISTS ${quoteIdent(before.name)}`);
    return;
  }
  if (after.type === "view") {
    if (before) await run(`DROP VIEW IF EXISTS ${quoteIdent(before.name)}`);
    await run(`CREATE VIEW ${quoteIdent(after.name)} AS SELECT * FROM (${after.viewQuery ?? ""}) AS v`);
    return;
  }

  if (!before) {
    const columns = after.fields.map((f) => `${quoteIdent(f.name)} ${columnSql(f, dialect)}`);
    await run(`CREATE TABLE ${quoteIdent(after.name)} (${columns.join(", ")})`);
  } else {
    await alterTable(run, dialect, before, after);
  }
  for (const index of after.indexes) await run(createIndexSql(parseIndex(index), after.name, dialect));
  if (searchAfter && searchChanges) for (const s of createSearchIndexSql(searchAfter, dialect)) await run(s);
}

async function alterTable(
  run: (text: string) => Promise<unknown>,
  dialect: DialectName,
  before: Collection,
  after: Collection,
): Promise<void> {
  const table = quoteIdent(after.name);
  if (before.name !== after.name) await run(`ALTER TABLE ${quoteIdent(before.name)} RENAME TO ${table}`);

  const afterIds = new Set(after.fields.map((f) => f.id));
  for (const old of before.fields) {
    if (!afterIds.has(old.id)) await run(`ALTER TABLE ${table} DROP COLUMN ${quoteIdent(old.name)}`);
  }
  const beforeById = new Map(before.fields.map((f) => [f.id, f]));
  // Renames go through temporary names first so that swapping two names cannot collide.
  const renamed: { field: Field; temp: string }[] = [];
  for (const field of after.fields) {
    const old = beforeById.get(field.id);
    if (old && old.name !== field.name) {
      const temp = `_rn_${field.id.replace(/[^A-Za-z0-9_]/g, "")}`.slice(0, 60);
      await run(`ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(old.name)} TO ${quoteIdent(temp)}`);
      renamed.push({ field, temp });
    }
  }
  for (const { field, temp } of renamed) {
    await run(`ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(temp)} TO ${quoteIdent(field.name)}`);
  }
  for (const field of after.fields) {
    const old = beforeById.get(field.id);
    const column = columnSql(field, dialect);
    if (!old) {
      await run(`ALTER TABLE ${table} ADD COLUMN ${quoteIdent(field.name)} ${column}`);
    } else if (columnSql(old, dialect) !== column) {
      const temp = quoteIdent(`_cv_${field.name}`.slice(0, 60));
      const name = quoteIdent(field.name);
      await run(`ALTER TABLE ${table} ADD COLUMN ${temp} ${column}`);
      await run(`UPDATE ${table} SET ${temp} = ${convertColumnSql(old, field, name, dialect)}`);
      await run(`ALTER TABLE ${table} DROP COLUMN ${name}`);
      await run(`ALTER TABLE ${table} RENAME COLUMN ${temp} TO ${name}`);
    }
  }
}
