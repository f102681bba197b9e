import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { HookReply } from "../../hooks/request-event.js";
import { etagOf } from "../../records/if-match.js";
import { readBody } from "../plugins/multipart-body.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";

type Params = { collection: string; id: string };

/** Sends what the records service returned: a hook's own reply, or the usual JSON. */
function send(reply: FastifyReply, result: unknown) {
  if (result instanceof HookReply) return reply.code(result.status).send(result.body);
  return result;
}

/** One record with its version as ETag, for `If-Match` on a later update or delete. */
function sendRecord(reply: FastifyReply, result: unknown) {
  const etag = result && typeof result === "object" ? etagOf(result as { updated?: unknown }) : undefined;
  if (etag && !(result instanceof HookReply)) reply.header("etag", etag);
  return send(reply, result);
}

/** The If-Match header, if the client sent one (offline writes; see docs/API.md). */
function ifMatchOf(req: FastifyRequest): { ifMatch?: string } {
  const value = req.headers["if-match"];
  return typeof value === "string" ? { ifMatch: value } : {};
}

/** The records CRUD API: /api/collections/{collection}/records[/{id}]. */
export function recordRoutes(app: FastifyInstance, services: Services): void {
  const { records } = services;
  const base = "/api/collections/:collection/records";

  app.get<{ Params: Params }>(base, async (req, reply) =>
    send(reply, await records.list(req.params.collection, await contextOf(req, services))),
  );

  app.get<{ Params: Params }>(`${base}/:id`, async (req, reply) =>
    sendRecord(
      reply,
      await records.view(req.params.collection, req.params.id, await contextOf(req, services)),
    ),
  );

  // A file field may name a finished resumable upload (`"tus:<id>"`, see services.tus).
  app.post<{ Params: Params }>(base, async (req, reply) => {
    const { body, formKeys } = await readBody(req, services.config.jsonMaxDepth);
    const ctx = await contextOf(req, services);
    const { collection } = req.params;
    const result = await services.tus.withReferences(collection, body, ctx, undefined, (b) =>
      records.create(collection, b, ctx, { formKeys }),
    );
    return sendRecord(reply, result);
  });

  app.patch<{ Params: Params }>(`${base}/:id`, async (req, reply) => {
    const { body, formKeys } = await readBody(req, services.config.jsonMaxDepth);
    const ctx = await contextOf(req, services);
    const options = { formKeys, ...ifMatchOf(req) };
    const { collection, id } = req.params;
    const result = await services.tus.withReferences(collection, body, ctx, id, (b) =>
      records.update(collection, id, b, ctx, options),
    );
    return sendRecord(reply, result);
  });

  app.delete<{ Params: Params }>(`${base}/:id`, async (req, reply) => {
    const hookReply = await records.delete(
      req.params.collection,
      req.params.id,
      await contextOf(req, services),
      undefined,
      ifMatchOf(req),
    );
    return hookReply ? send(reply, hookReply) : reply.code(204).send();
  });
}
