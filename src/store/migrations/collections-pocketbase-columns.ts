import { sql } from "kysely";
import type { SystemMigration } from "./system-migration.js";

/**
 * PocketBase's own columns on `_collections`, read from the definition Backroom keeps in `data`:
 * tools that open a PocketBase `data.db` file themselves (pocketbase-typegen's `--db`, SQL of
 * users' own) read `fields`, `indexes`, the five rules and `options` there. VIRTUAL generated
 * columns: computed when read, nothing stored twice, nothing to keep in step, and never written by
 * Backroom (PRAGMA table_info, which backups and restores go by, leaves them out).
 *
 * SQLite only: such tools read a file. PostgreSQL has only STORED generated columns (before 18),
 * which would hold every definition twice.
 */
export const collectionsPocketBaseColumnsMigration: SystemMigration = {
  name: "0010_collections_pocketbase_columns",
  async up(db, dialect) {
    if (dialect !== "sqlite") return;
    const columns: [name: string, expression: string][] = [
      ["fields", "json_extract(data, '$.fields')"],
      ["indexes", "json_extract(data, '$.indexes')"],
      ["listRule", "json_extract(data, '$.listRule')"],
      ["viewRule", "json_extract(data, '$.viewRule')"],
      ["createRule", "json_extract(data, '$.createRule')"],
      ["updateRule", "json_extract(data, '$.updateRule')"],
      ["deleteRule", "json_extract(data, '$.deleteRule')"],
      // PocketBase keeps a type's own settings here: an auth collection's, a view's query.
      [
        "options",
        `CASE type WHEN 'auth' THEN json(coalesce(json_extract(data, '$.auth'), '{}'))
          WHEN 'view' THEN json_object('viewQuery', json_extract(data, '$.viewQuery'))
          ELSE '{}' END`,
      ],
    ];
    for (const [name, expression] of columns)
      await sql
        .raw(`ALTER TABLE _collections ADD COLUMN "${name}" TEXT GENERATED ALWAYS AS (${expression}) VIRTUAL`)
        .execute(db);
  },
};
