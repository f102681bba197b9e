import type { FastifyInstance } from "fastify";
import { configurableProviders } from "../../auth/oauth2/configurable-providers.js";
import { collectionToApi } from "../../collections/collection-json.js";
import { scaffolds } from "../../collections/scaffolds.js";
import { dryRunView } from "../../collections/view-fields.js";
import { badRequest, issue, notFound } from "../../errors/api-error.js";
import { parseListParams } from "../../records/list-params.js";
import { actorOf } from "../../records/record-consequences.js";
import { requestBody } from "../plugins/multipart-body.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

type Params = { collection: string };

/** Carries a dry run's rows out of its transaction, which throwing rolls back. */
class DryRunResult extends Error {
  constructor(readonly rows: Record<string, unknown>[]) {
    super("dry run");
  }
}

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

  app.get("/api/collections/meta/oauth2-providers", async (req) => {
    await requireSuperuser(req, services);
    return configurableProviders();
  });

  app.post("/api/collections/meta/dry-run-view", async (req) => {
    await requireSuperuser(req, services);
    const { query } = await requestBody(req);
    if (typeof query !== "string" || query.trim() === "" || query.length > 5000)
      throw badRequest("An error occurred while validating the submitted data.", {
        query: issue(
          typeof query === "string" && query.length > 5000
            ? "validation_length_out_of_range"
            : "validation_required",
          "A SELECT query of at most 5000 characters is required.",
        ),
      });
    // In a transaction that is rolled back, so nothing the query might touch stays touched.
    return services.store
      .transaction(async (db) => {
        const rows = await dryRunView(db, query, 10);
        throw new DryRunResult(rows);
      })
      .catch((err: unknown) => {
        if (err instanceof DryRunResult) return err.rows;
        throw err;
      });
  });

  app.put("/api/collections/import", async (req, reply) => {
    const ctx = await requireSuperuser(req, services);
    const body = await requestBody(req);
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
    return collectionToApi(await collections.create(await requestBody(req), actorOf(ctx)));
  });

  app.patch<{ Params: Params }>("/api/collections/:collection", async (req) => {
    const ctx = await requireSuperuser(req, services);
    return collectionToApi(
      await collections.update(req.params.collection, await requestBody(req), actorOf(ctx)),
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
