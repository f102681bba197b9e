import { type RawBuilder, sql } from "kysely";
import { badRequest } from "../errors/api-error.js";
import type { ListParams } from "../records/list-params.js";
import type { Db } from "../store/store.js";

/** The audit entry's names a filter may compare; columns are their snake_case forms. */
const FILTERABLE = [
  "id",
  "created",
  "action",
  "collectionId",
  "collectionName",
  "recordId",
  "actorCollection",
  "actorId",
  "requestId",
  "ip",
] as const;
const OPERATORS = ["=", "!=", ">=", "<=", ">", "<"] as const;
const toColumn = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** One comparison with a quoted value: `action = "record.create"`. */
const TERM = /^\s*([A-Za-z]+)\s*(=|!=|>=|<=|>|<)\s*(?:"([^"]*)"|'([^']*)')\s*$/;

export interface AuditPage {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: AuditListItem[];
}

/** An audit entry as `/api/audit` lists it (the table's text columns, `changes` parsed). */
export interface AuditListItem {
  id: string;
  created: string;
  action: string;
  collectionId: string;
  collectionName: string;
  recordId: string;
  actorCollection: string;
  actorId: string;
  changes: string[];
  requestId: string;
  ip: string;
}

/**
 * The audit filter: comparisons of entry fields with quoted values joined by `&&`
 * (`action = "record.create" && collectionName = "posts"`). Deliberately this small: the log is
 * filtered by exact values, and anything else is refused with a 400.
 */
export function auditWhere(filter: string): RawBuilder<unknown> {
  const conditions = [sql`1 = 1`];
  if (filter.trim() === "") return conditions[0] as RawBuilder<unknown>;
  for (const part of filter.split("&&")) {
    const m = TERM.exec(part);
    const name = m?.[1];
    const operator = OPERATORS.find((o) => o === m?.[2]);
    if (!m || !name || !operator || !(FILTERABLE as readonly string[]).includes(name)) {
      throw badRequest(
        `Invalid audit filter. Use ${FILTERABLE.join(", ")} compared with quoted values, joined by &&.`,
      );
    }
    // The operator is one of OPERATORS and the column one of FILTERABLE: nothing of the text is spliced.
    conditions.push(sql`${sql.ref(toColumn(name))} ${sql.raw(operator)} ${m[3] ?? m[4] ?? ""}`);
  }
  return sql.join(conditions, sql` AND `);
}

/** A row of `_audit` (store/migrations/system-migrations.ts). */
interface AuditRow {
  id: string;
  created: string;
  action: string;
  collection_id: string;
  collection_name: string;
  record_id: string;
  actor_collection: string;
  actor_id: string;
  changes: string;
  request_id: string;
  ip: string;
}

/** One page of `_audit`, newest first (or oldest first with `sort=created`). */
export async function listAudit(db: Db, params: ListParams): Promise<AuditPage> {
  const where = auditWhere(params.filter);
  const sort = params.sort.trim() === "created" ? sql`created ASC, id ASC` : sql`created DESC, id DESC`;
  const rows =
    await sql<AuditRow>`SELECT * FROM _audit WHERE ${where} ORDER BY ${sort} LIMIT ${params.perPage} OFFSET ${(params.page - 1) * params.perPage}`.execute(
      db,
    );
  const total = params.skipTotal
    ? -1
    : Number(
        (await sql<{ n: number }>`SELECT COUNT(*) AS n FROM _audit WHERE ${where}`.execute(db)).rows[0]?.n ??
          0,
      );
  return {
    page: params.page,
    perPage: params.perPage,
    totalItems: total,
    totalPages: total < 0 ? -1 : Math.ceil(total / params.perPage),
    items: rows.rows.map((r) => ({
      id: r.id,
      created: r.created,
      action: r.action,
      collectionId: r.collection_id,
      collectionName: r.collection_name,
      recordId: r.record_id,
      actorCollection: r.actor_collection,
      actorId: r.actor_id,
      changes: JSON.parse(r.changes || "[]") as string[],
      requestId: r.request_id,
      ip: r.ip,
    })),
  };
}
