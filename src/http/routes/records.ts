import type { FastifyInstance } from "fastify";
import { badRequest } from "../../errors/api-error.js";
import { readBody } from "../plugins/multipart-body.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";

type Params = { collection: string; id: string };

/** A JSON body that must be an object (routes that take no multipart). */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body))
    throw badRequest("The request body must be a JSON object.");
  return body as Record<string, unknown>;
}

/** The records CRUD API: /api/collections/{collection}/records[/{id}]. */
export function recordRoutes(app: FastifyInstance, services: Services): void {
  const { records } = services;
  const base = "/api/collections/:collection/records";

  app.get<{ Params: Params }>(base, async (req) =>
    records.list(req.params.collection, await contextOf(req, services)),
  );

  app.get<{ Params: Params }>(`${base}/:id`, async (req) =>
    records.view(req.params.collection, req.params.id, await contextOf(req, services)),
  );

  app.post<{ Params: Params }>(base, async (req) => {
    const { body, formKeys } = await readBody(req, services.config.jsonMaxDepth);
    return records.create(req.params.collection, body, await contextOf(req, services), { formKeys });
  });

  app.patch<{ Params: Params }>(`${base}/:id`, async (req) => {
    const { body, formKeys } = await readBody(req, services.config.jsonMaxDepth);
    return records.update(req.params.collection, req.params.id, body, await contextOf(req, services), {
      formKeys,
    });
  });

  app.delete<{ Params: Params }>(`${base}/:id`, async (req, reply) => {
    await records.delete(req.params.collection, req.params.id, await contextOf(req, services));
    return reply.code(204).send();
  });
}
