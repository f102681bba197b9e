import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Readiness } from "../../readiness/readiness.js";
import type { StoreHealth } from "../../store/store-health.js";

export interface HealthDeps {
  health: Pick<StoreHealth, "snapshot">;
  readiness?: Pick<Readiness, "check">;
  /**
   * What PocketBase adds to `data` for a superuser (its dashboard reads `canBackup` to enable the
   * backup buttons, `realIP`/`possibleProxyHeader` to warn about an untrusted proxy); undefined when
   * the request carries no superuser's token. Only asked when there is an Authorization header.
   */
  superuserDetails?: (request: FastifyRequest) => Promise<Record<string, unknown> | undefined>;
}

/**
 * GET /api/health: answers without touching the store, so load balancers can poll it cheaply.
 * PocketBase's shape; `data` names what the store saw lately, only when something is wrong:
 * `storage: "full"` after writes were refused for lack of disk space (until a write commits, or a
 * minute without another refusal), `database: "unavailable"` while the database can't be reached.
 * The status stays 200: the server is up and reads may still work. A superuser's request also gets
 * PocketBase's `canBackup`, `realIP` and `possibleProxyHeader`.
 *
 * GET /api/health?ready=1: readiness, for balancers and orchestrators deciding where to send
 * traffic: checks the store, the system migrations and the outbox dispatcher (see Readiness) and
 * answers 200, or 503 in the API's error shape with each failed check named in `data`.
 */
export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  const healthy = JSON.stringify({ code: 200, message: "API is healthy.", data: {} });
  const ready = JSON.stringify({ code: 200, message: "API is ready.", data: {} });
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    reply.type("application/json; charset=utf-8");
    const asked = (req.query as Record<string, unknown> | undefined)?.ready;
    if (deps.readiness && asked !== undefined && asked !== "0" && asked !== "false") {
      reply.header("cache-control", "no-store");
      const failed = await deps.readiness.check();
      const names = Object.keys(failed);
      if (names.length === 0) return reply.send(ready);
      return reply
        .code(503)
        .send(JSON.stringify({ status: 503, message: `Not ready: ${names.join(", ")}.`, data: failed }));
    }
    const { database, storage } = deps.health.snapshot();
    const details =
      deps.superuserDetails && req.headers.authorization ? await deps.superuserDetails(req) : undefined;
    if (database === "ok" && storage === "ok" && !details) return reply.send(healthy);
    const data = {
      ...details,
      ...(database === "ok" ? {} : { database }),
      ...(storage === "ok" ? {} : { storage }),
    };
    return reply.send(JSON.stringify({ code: 200, message: "API is healthy.", data }));
  };
  app.get("/api/health", handler); // Fastify answers HEAD for GET routes itself.
}
