import { type RawBuilder, sql } from "kysely";
import { jsonFromDb } from "../collections/fields/columns.js";
import type { ListParams } from "../records/list-params.js";
import { compileFilter, compileSort, parseFilter, type RequestInfo, type RuleScope } from "../rules/index.js";
import type { Store } from "../store/store.js";
import { LOGS_COLLECTION } from "./logs-collection.js";

const ALIAS = "r";
const TRUE = sql`1 = 1`;

export interface StoredLog {
  id: string;
  created: string;
  updated: string;
  level: number;
  message: string;
  data: Record<string, unknown>;
}

/**
 * Reads `_logs` for the logs API. Filters and sorts are compiled by the rules engine against
 * LOGS_COLLECTION, so they are parameterized SQL with PocketBase's semantics on both stores.
 */
export class LogQuery {
  constructor(private readonly store: Store) {}

  /** The compiled WHERE for a filter text ("" → everything); a bad filter throws a 400 ApiError. */
  where(filter: string, request: RequestInfo): RawBuilder<unknown> {
    if (filter.trim() === "") return TRUE;
    return compileFilter(parseFilter(filter), scopeFor(request), this.store.frags, ALIAS);
  }

  async list(params: ListParams, request: RequestInfo) {
    const where = this.where(params.filter, request);
    const terms = params.sort.trim()
      ? compileSort(params.sort, scopeFor(request), this.store.frags, ALIAS)
      : [];
    // Ties (and the default) by newest first, then id, so paging is stable.
    const order = sql.join([
      ...terms,
      sql`${sql.ref(`${ALIAS}.created`)} DESC`,
      sql`${sql.ref(`${ALIAS}.id`)} DESC`,
    ]);
    const rows = await sql<Record<string, unknown>>`SELECT ${sql.ref(ALIAS)}.* FROM _logs AS ${sql.ref(ALIAS)}
      WHERE ${where} ORDER BY ${order} LIMIT ${params.perPage} OFFSET ${(params.page - 1) * params.perPage}`.execute(
      this.store.db,
    );
    const total = params.skipTotal
      ? -1
      : Number(
          (
            await sql<{
              n: number;
            }>`SELECT COUNT(*) AS n FROM _logs AS ${sql.ref(ALIAS)} WHERE ${where}`.execute(this.store.db)
          ).rows[0]?.n ?? 0,
        );
    return {
      page: params.page,
      perPage: params.perPage,
      totalItems: total,
      totalPages: total < 0 ? -1 : Math.ceil(total / params.perPage),
      items: rows.rows.map((row) => this.toLog(row)),
    };
  }

  async one(id: string): Promise<StoredLog | undefined> {
    if (id.length > 255 || id.includes("\0")) return undefined;
    const rows = await sql<Record<string, unknown>>`SELECT * FROM _logs WHERE id = ${id}`.execute(
      this.store.db,
    );
    return rows.rows[0] ? this.toLog(rows.rows[0]) : undefined;
  }

  /** Entries per hour (`date` is the hour's start, in the API's date format), oldest first. */
  async stats(filter: string, request: RequestInfo): Promise<{ total: number; date: string }[]> {
    const where = this.where(filter, request);
    const hour = sql`substr(${sql.ref(`${ALIAS}.created`)}, 1, 13)`;
    const rows = await sql<{ hour: string; total: number }>`SELECT ${hour} AS hour, COUNT(*) AS total
      FROM _logs AS ${sql.ref(ALIAS)} WHERE ${where} GROUP BY ${hour} ORDER BY ${hour}`.execute(
      this.store.db,
    );
    return rows.rows.map((r) => ({ total: Number(r.total), date: `${r.hour}:00:00.000Z` }));
  }

  private toLog(row: Record<string, unknown>): StoredLog {
    const data = jsonFromDb(row.data, this.store.dialect);
    return {
      id: String(row.id),
      created: String(row.created),
      updated: String(row.updated),
      level: Number(row.level),
      message: String(row.message),
      data: data && typeof data === "object" ? (data as Record<string, unknown>) : {},
    };
  }
}

function scopeFor(request: RequestInfo): RuleScope {
  // No other collection is reachable from a logs filter: relations and @collection find nothing.
  return { collection: LOGS_COLLECTION, getCollection: () => undefined, request };
}
