import type { FastifyInstance } from "fastify";
import { collectionToApi } from "../../collections/collection-json.js";
import { scaffolds } from "../../collections/scaffolds.js";
import { badRequest, notFound } from "../../errors/api-error.js";
import { parseListParams } from "../../records/list-params.js";
import { actorOf } from "../../records/record-consequences.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";
import { objectBody } from "./records.js";

type Params = { collection: string };

/** /api/collections: the schema API, superusers only. */
export function collectionRoutes(app: FastifyInstance, services: Services): void {
  const { registry, collections } = services;

  app.get("/api/collections", async (req) => {
    const ctx = await requireSuperuser(req, services);
    const params = parseListParams(ctx.query);
    const all = registry
      .all()
      .sort((a, b) => a.created.localeCompare(b.created) || a.name.localeCompare(b.name));
    const nameFilter = /^name\s*=\s*["']([^"']*)["']$/.exec(params.filter.trim());
    const filtered = nameFilter ? all.filter((c) => c.name === nameFilter[1]) : all;
    const start = (params.page - 1) * params.perPage;
    return {
      page: params.page,
      perPage: params.perPage,
      totalItems: params.skipTotal ? -1 : filtered.length,
      totalPages: params.skipTotal ? -1 : Math.ceil(filtered.length / params.perPage),
      items: filtered.slice(start, start + params.perPage).map(collectionToApi),
    };
  });

  app.get("/api/collections/meta/scaffolds", async (req) => {
    await requireSuperuser(req, services);
    return scaffolds();
  });

  app.put("/api/collections/import", async (req, reply) => {
    const ctx = await requireSuperuser(req, services);
    const body = objectBody(req.body);
    if (!Array.isArray(body.collections) || body.collections.some((c) => !c || typeof c !== "object")) {
      throw badRequest("Failed to import collections.", {
        collections: { code: "validation_required", message: "Must be a list of collections." },
      });
    }
    await collections.import(
      body.collections as Record<string, unknown>[],
      body.deleteMissing === true,
      actorOf(ctx),
    );
    return reply.code(204).send();
  });

  app.get<{ Params: Params }>("/api/collections/:collection", async (req) => {
    await requireSuperuser(req, services);
    const c = registry.get(req.params.collection);
    if (!c) throw notFound();
    return collectionToApi(c);
  });

  app.post("/api/collections", async (req) => {
    const ctx = await requireSuperuser(req, services);
    return collectionToApi(await collections.create(objectBody(req.body), actorOf(ctx)));
  });

  app.patch<{ Params: Params }>("/api/collections/:collection", async (req) => {
    const ctx = await requireSuperuser(req, services);
    return collectionToApi(
      await collections.update(req.params.collection, objectBody(req.body), actorOf(ctx)),
    );
  });

  app.delete<{ Params: Params }>("/api/collections/:collection", async (req, reply) => {
    const ctx = await requireSuperuser(req, services);
    await collections.delete(req.params.collection, actorOf(ctx));
    return reply.code(204).send();
  });

  app.delete<{ Params: Params }>("/api/collections/:collection/truncate", async (req, reply) => {
    const ctx = await requireSuperuser(req, services);
    await services.records.truncate(req.params.collection, ctx);
    return reply.code(204).send();
  });
}
