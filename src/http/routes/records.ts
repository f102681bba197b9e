import type { FastifyInstance, FastifyReply } from "fastify";
import { badRequest } from "../../errors/api-error.js";
import { HookReply } from "../../hooks/request-event.js";
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

/** Sends what the records service returned: a hook's own reply, or the usual JSON. */
function send(reply: FastifyReply, result: unknown) {
  if (result instanceof HookReply) return reply.code(result.status).send(result.body);
  return result;
}

/** The records CRUD API: /api/collections/{collection}/records[/{id}]. */
export function recordRoutes(app: FastifyInstance, services: Services): void {
  const { records } = services;
  const base = "/api/collections/:collection/records";

  app.get<{ Params: Params }>(base, async (req, reply) =>
    send(reply, await records.list(req.params.collection, await contextOf(req, services))),
  );

  app.get<{ Params: Params }>(`${base}/:id`, async (req, reply) =>
    send(reply, await records.view(req.params.collection, req.params.id, await contextOf(req, services))),
  );

  app.post<{ Params: Params }>(base, async (req, reply) => {
    const { body, formKeys } = await readBody(req, services.config.jsonMaxDepth);
    return send(
      reply,
      await records.create(req.params.collection, body, await contextOf(req, services), { formKeys }),
    );
  });

  app.patch<{ Params: Params }>(`${base}/:id`, async (req, reply) => {
    const { body, formKeys } = await readBody(req, services.config.jsonMaxDepth);
    const ctx = await contextOf(req, services);
    return send(reply, await records.update(req.params.collection, req.params.id, body, ctx, { formKeys }));
  });

  app.delete<{ Params: Params }>(`${base}/:id`, async (req, reply) => {
    const hookReply = await records.delete(
      req.params.collection,
      req.params.id,
      await contextOf(req, services),
    );
    return hookReply ? send(reply, hookReply) : reply.code(204).send();
  });
}
