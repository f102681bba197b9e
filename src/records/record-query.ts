import { type RawBuilder, sql } from "kysely";
import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import {
  compileFilter,
  compileSort,
  type Expr,
  parseFilter,
  type RequestInfo,
  type RuleScope,
} from "../rules/index.js";
import type { Db, Store } from "../store/store.js";
import { type RecordValues, rowToRecord } from "./row-mapping.js";

const TRUE = sql`1 = 1`;
export const ALIAS = "r";

/**
 * Builds and runs the SELECTs of the records API: the caller's filter and the rule are compiled
 * into one parameterized WHERE; sorting and paging happen in SQL.
 */
export class RecordQuery {
  constructor(
    private readonly store: Store,
    private readonly registry: CollectionRegistry,
  ) {}

  scope(collection: Collection, request: RequestInfo, current?: Record<string, unknown>): RuleScope {
    return {
      collection,
      getCollection: (x: string) => this.registry.get(x),
      request,
      ...(current ? { current } : {}),
    };
  }

  /** Compiles collection rules: written by superusers, so they may read hidden fields (not so user filters). */
  where(exprs: (Expr | undefined)[], scope: RuleScope): RawBuilder<unknown> {
    const ruleScope = { ...scope, allowHiddenFields: true };
    return this.and(
      exprs
        .filter((e): e is Expr => e !== undefined)
        .map((e) => compileFilter(e, ruleScope, this.store.frags, ALIAS)),
    );
  }

  and(parts: RawBuilder<unknown>[]): RawBuilder<unknown> {
    if (parts.length === 0) return TRUE;
    return parts.length === 1 ? (parts[0] as RawBuilder<unknown>) : sql`(${sql.join(parts, sql`) AND (`)})`;
  }

  async list(
    collection: Collection,
    opts: {
      where: RawBuilder<unknown>;
      sort: string;
      scope: RuleScope;
      limit: number;
      offset: number;
      db?: Db;
    },
  ): Promise<RecordValues[]> {
    const order = this.orderBy(collection, opts.sort, opts.scope);
    const db = opts.db ?? this.store.db;
    const result = await sql<
      Record<string, unknown>
    >`SELECT ${sql.ref(ALIAS)}.* FROM ${sql.table(collection.name)} AS ${sql.ref(ALIAS)} WHERE ${opts.where}${order} LIMIT ${opts.limit} OFFSET ${opts.offset}`.execute(
      db,
    );
    return result.rows.map((row) => rowToRecord(collection, row, this.store.dialect));
  }

  async count(collection: Collection, where: RawBuilder<unknown>, db: Db = this.store.db): Promise<number> {
    const result = await sql<{
      n: number;
    }>`SELECT COUNT(*) AS n FROM ${sql.table(collection.name)} AS ${sql.ref(ALIAS)} WHERE ${where}`.execute(
      db,
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  /** One record by id, if it matches `where` (a rule, or TRUE). */
  async findOne(
    collection: Collection,
    id: string,
    where: RawBuilder<unknown> = TRUE,
    db: Db = this.store.db,
  ) {
    if (!isPlausibleId(id)) return undefined;
    const result = await sql<
      Record<string, unknown>
    >`SELECT ${sql.ref(ALIAS)}.* FROM ${sql.table(collection.name)} AS ${sql.ref(ALIAS)} WHERE ${sql.ref(`${ALIAS}.id`)} = ${id} AND ${where} LIMIT 1`.execute(
      db,
    );
    const row = result.rows[0];
    return row ? rowToRecord(collection, row, this.store.dialect) : undefined;
  }

  /** Records with the given ids that match `where`, in no particular order. */
  async findMany(
    collection: Collection,
    ids: string[],
    where: RawBuilder<unknown> = TRUE,
    db: Db = this.store.db,
  ) {
    ids = ids.filter(isPlausibleId);
    if (ids.length === 0) return [];
    const result = await sql<
      Record<string, unknown>
    >`SELECT ${sql.ref(ALIAS)}.* FROM ${sql.table(collection.name)} AS ${sql.ref(ALIAS)} WHERE ${sql.ref(`${ALIAS}.id`)} IN (${sql.join(ids)}) AND ${where}`.execute(
      db,
    );
    return result.rows.map((row) => rowToRecord(collection, row, this.store.dialect));
  }

  /** Parses a filter text once (cached) and compiles it for this collection. */
  filterSql(filter: string, scope: RuleScope): RawBuilder<unknown> {
    return compileFilter(parseFilter(filter), scope, this.store.frags, ALIAS);
  }

  private orderBy(collection: Collection, sort: string, scope: RuleScope): RawBuilder<unknown> {
    if (sort.trim() !== "") {
      const terms = compileSort(sort, scope, this.store.frags, ALIAS);
      if (terms.length > 0) return sql` ORDER BY ${sql.join(terms)}`;
    }
    // No sort asked: insertion order where we can tell it, so paging is stable on both stores.
    const hasCreated = collection.fields.some((f) => f.name === "created");
    return hasCreated
      ? sql` ORDER BY ${sql.ref(`${ALIAS}.created`)}, ${sql.ref(`${ALIAS}.id`)}`
      : sql` ORDER BY ${sql.ref(`${ALIAS}.id`)}`;
  }
}

/** Ids with NUL or over 255 characters can't exist (and PostgreSQL refuses NUL in text). */
function isPlausibleId(id: string): boolean {
  return id.length > 0 && id.length <= 255 && !id.includes("\0");
}
