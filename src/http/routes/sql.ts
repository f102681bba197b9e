import type { FastifyInstance } from "fastify";
import { writeAudit } from "../../audit/audit-entry.js";
import { badRequest, issue } from "../../errors/api-error.js";
import { actorOf } from "../../records/record-consequences.js";
import { runSqlConsole } from "../../store/run-sql-console.js";
import { SqlRunError } from "../../store/sql-console.js";
import { requestBody } from "../plugins/multipart-body.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

const MAX_QUERY_LENGTH = 5000;
const MAX_ROWS = 1000;

/** The console's limits: writes only with `BACKROOM_SQL_WRITES=true`; time in `BACKROOM_SQL_TIMEOUT_MS`. */
function consoleOptions() {
  const timeout = Number(process.env.BACKROOM_SQL_TIMEOUT_MS ?? 30_000);
  return {
    allowWrites: process.env.BACKROOM_SQL_WRITES === "true",
    maxRows: MAX_ROWS,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 30_000,
  };
}

/**
 * POST /api/sql (PocketBase's `pb.sql.run(query)`, superusers): runs raw SQL on a connection of
 * its own. Read-only unless the server runs with BACKROOM_SQL_WRITES=true; at most 1,000 rows and
 * a time limit; every query is audited (`sql.run`, the text in `changes`) before it runs.
 */
export function sqlRoutes(app: FastifyInstance, services: Services): void {
  app.post("/api/sql", async (req) => {
    const ctx = await requireSuperuser(req, services);
    const { query } = await requestBody(req);
    if (query !== undefined && typeof query !== "string")
      throw badRequest("An error occurred while loading the submitted data.");
    if (!query || query.trim() === "")
      throw badRequest("An error occurred while validating the submitted data.", {
        query: issue("validation_required", "Cannot be blank."),
      });
    if (query.length > MAX_QUERY_LENGTH)
      throw badRequest("An error occurred while validating the submitted data.", {
        query: issue(
          "validation_length_out_of_range",
          `The length must be between 0 and ${MAX_QUERY_LENGTH}.`,
        ),
      });
    await writeAudit(services.store.db, {
      action: "sql.run",
      actor: actorOf(ctx),
      changes: [query],
      requestId: ctx.requestId,
      ip: ctx.ip,
    });
    const options = consoleOptions();
    try {
      return await runSqlConsole(services.config.store, query, options);
    } catch (err) {
      if (err instanceof SqlRunError) throw badRequest(`Failed to execute query. Raw error:\n${err.message}`);
      throw err;
    } finally {
      // The SQL may have been DDL: statements the store prepared before it may return the old
      // columns (on PostgreSQL a named one then fails with 0A000, inside a write's transaction too).
      if (options.allowWrites) services.store.schemaChanged();
    }
  });
}
