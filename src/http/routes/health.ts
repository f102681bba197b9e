import type { FastifyInstance } from "fastify";

/** GET /api/health: answers without touching the store, so load balancers can poll it cheaply. */
export function healthRoutes(app: FastifyInstance): void {
  const body = JSON.stringify({ code: 200, message: "API is healthy.", data: {} });
  const handler = async (_req: unknown, reply: { type(t: string): { send(b: string): unknown } }) =>
    reply.type("application/json; charset=utf-8").send(body);
  app.get("/api/health", handler); // Fastify answers HEAD for GET routes itself.
}
