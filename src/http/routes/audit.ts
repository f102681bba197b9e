import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { badRequest } from "../../errors/api-error.js";
import { parseListParams } from "../../records/list-params.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

const COLUMNS = [
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
const toColumn = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** Equality filters on audit columns: `action = "record.create" && collectionName = "posts"`. */
const TERM = /^\s*([A-Za-z]+)\s*(=|!=|>=|<=|>|<)\s*(?:"([^"]*)"|'([^']*)')\s*$/;

/** GET /api/audit: the audit log, newest first, for superusers. */
export function auditRoutes(app: FastifyInstance, services: Services): void {
  app.get("/api/audit", async (req) => {
    const ctx = await requireSuperuser(req, services);
    const params = parseListParams(ctx.query);
    const conditions = [sql`1 = 1`];
    if (params.filter.trim()) {
      for (const part of params.filter.split("&&")) {
        const m = TERM.exec(part);
        const column = m?.[1];
        if (!m || !column || !(COLUMNS as readonly string[]).includes(column)) {
          throw badRequest(
            `Invalid audit filter. Use ${COLUMNS.join(", ")} compared with quoted values, joined by &&.`,
          );
        }
        conditions.push(sql`${sql.ref(toColumn(column))} ${sql.raw(m[2] as string)} ${m[3] ?? m[4] ?? ""}`);
      }
    }
    const sort = params.sort.trim() === "created" ? sql`created ASC, id ASC` : sql`created DESC, id DESC`;
    const where = sql.join(conditions, sql` AND `);
    const rows = await sql<
      Record<string, unknown>
    >`SELECT * FROM _audit WHERE ${where} ORDER BY ${sort} LIMIT ${params.perPage} OFFSET ${(params.page - 1) * params.perPage}`.execute(
      services.store.db,
    );
    const total = params.skipTotal
      ? -1
      : Number(
          (
            await sql<{ n: number }>`SELECT COUNT(*) AS n FROM _audit WHERE ${where}`.execute(
              services.store.db,
            )
          ).rows[0]?.n ?? 0,
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
        changes: JSON.parse(String(r.changes ?? "[]")),
        requestId: r.request_id,
        ip: r.ip,
      })),
    };
  });
}
