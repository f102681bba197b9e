import type { FastifyInstance } from "fastify";
import { badRequest } from "../../errors/api-error.js";
import { ChangeFeed, parseChangesPerPage, parseCollectionList } from "../../sync/change-feed.js";
import { outboxRetentionMs } from "../../sync/retention.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";

type Query = { since?: string; perPage?: string; collections?: string };

/**
 * The offline-sync feed: `GET /api/collections/{c}/changes` and, for several collections under
 * one cursor, `GET /api/changes?collections=a,b`. See docs/API.md "Offline sync".
 */
export function changeRoutes(app: FastifyInstance, services: Services): void {
  const feed = new ChangeFeed({
    store: services.store,
    records: services.records,
    horizon: services.events,
    retentionMs: async () => outboxRetentionMs(await services.settings.get()),
  });

  app.get<{ Params: { collection: string }; Querystring: Query }>(
    "/api/collections/:collection/changes",
    async (req) => {
      const collection = services.records.collection(req.params.collection);
      const ctx = await contextOf(req, services);
      return feed.read([collection], ctx, paramsOf(req.query));
    },
  );

  app.get<{ Querystring: Query }>("/api/changes", async (req) => {
    const collections = parseCollectionList(single(req.query.collections, "collections")).map((c) =>
      services.records.collection(c),
    );
    const ctx = await contextOf(req, services);
    return feed.read(collections, ctx, paramsOf(req.query));
  });
}

function paramsOf(query: Query): { since?: string; perPage: number } {
  const perPage = parseChangesPerPage(single(query.perPage, "perPage"));
  single(query.since, "since");
  return typeof query.since === "string" && query.since !== ""
    ? { since: query.since, perPage }
    : { perPage };
}

/** A query parameter sent twice arrives as a list: refuse it rather than guess. */
function single(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  throw badRequest(`Send ${name} once.`);
}
