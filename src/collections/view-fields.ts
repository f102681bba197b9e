import { sql } from "kysely";
import { badRequest } from "../errors/api-error.js";
import type { Db } from "../store/store.js";
import { normalizeField } from "./fields/index.js";
import type { Collection, Field } from "./model.js";
import { systemFieldsFor } from "./system-fields.js";

const FROM_TABLES = /\b(?:from|join)\s+[`"[]?([A-Za-z_][A-Za-z0-9_]*)/gi;

/**
 * Checks a view's SELECT and derives its fields. The probe binds a parameter, which makes both
 * drivers refuse more than one statement, so a view query cannot smuggle in a second command.
 * A column named like a field of a table it reads keeps that field's type; other columns are json.
 */
export async function inferViewFields(
  db: Db,
  query: string,
  getCollection: (idOrName: string) => Collection | undefined,
): Promise<Field[]> {
  const trimmed = checkedViewQuery(query);
  let columns: string[];
  try {
    columns = await probeColumns(db, trimmed);
  } catch (err) {
    throw badRequest(`Invalid view query: ${(err as Error).message}`);
  }
  if (!columns.includes("id")) throw badRequest("The view query must return an id column.");

  const sources = [...trimmed.matchAll(FROM_TABLES)]
    .map((m) => getCollection(m[1] as string))
    .filter((c): c is Collection => c !== undefined);
  return columns.map((name) => {
    const source = sources.flatMap((c) => c.fields).find((f) => f.name === name);
    if (name === "id") return normalizeField(systemFieldsFor("base")[0] as Record<string, unknown>);
    if (source)
      // A view has no search index of its own.
      return normalizeField({
        ...source,
        id: `_clone_${source.id}`,
        system: false,
        required: false,
        searchable: false,
      });
    return normalizeField({ id: `json_${name}`.slice(0, 60), name, type: "json" });
  });
}

/** A view query trimmed of a closing `;`, or a 400 when it is not a single SELECT. */
function checkedViewQuery(query: string): string {
  const trimmed = query.trim().replace(/;\s*$/, "");
  if (!/^(select|with)\b/i.test(trimmed))
    throw badRequest("The view query must be a single SELECT statement.");
  if (trimmed.length > 10_000) throw badRequest("The view query is too long.");
  return trimmed;
}

/**
 * The first `limit` rows a view query returns, as a superuser's dry run before saving the view
 * (PocketBase's `meta/dry-run-view`). The bound LIMIT keeps it to one statement, as the probe.
 */
export async function dryRunView(db: Db, query: string, limit: number): Promise<Record<string, unknown>[]> {
  const trimmed = checkedViewQuery(query);
  try {
    const rows = sql<Record<string, unknown>>`SELECT v.* FROM (${sql.raw(trimmed)}) AS v LIMIT ${limit}`;
    return (await db.executeQuery(rows.compile(db))).rows;
  } catch (err) {
    throw badRequest(`Invalid view query: ${(err as Error).message}`);
  }
}

/**
 * The column names of a query, even when it returns no rows: a one-row outer join keeps one
 * (all-NULL) row whose keys are the columns. The bound LIMIT forces a single statement.
 */
async function probeColumns(db: Db, query: string): Promise<string[]> {
  const probe = sql<
    Record<string, unknown>
  >`SELECT v.* FROM (SELECT 1 AS probe) AS p LEFT JOIN (${sql.raw(query)}) AS v ON TRUE LIMIT ${1}`;
  const result = await db.executeQuery(probe.compile(db));
  return Object.keys(result.rows[0] ?? {});
}
