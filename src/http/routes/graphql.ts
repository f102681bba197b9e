import type { FastifyInstance, FastifyRequest } from "fastify";
import { badRequest, notFound } from "../../errors/api-error.js";
import type { Services } from "../services.js";
import type { GraphqlEngine } from "./graphql-engine.js";
import { GRAPHQL_PATH, GRAPHQL_WS_PATH } from "./graphql-paths.js";

/** A GraphQL request is text: a megabyte holds any sane query with its variables. */
const GRAPHQL_BODY_LIMIT = 1024 * 1024;

/**
 * `/api/graphql` (POST, and GET for queries) and `/api/graphql/ws` (subscriptions): the routes are
 * registered at start, GraphQL itself (`graphql-engine.ts`: graphql, Mercurius, graphql-jit, the
 * schema) is loaded by the first request that reaches one of them, before that request goes on.
 * Every error of these routes, those of the server-wide hooks included (rate limits, a body too
 * large), is answered in GraphQL's shape.
 */
export async function graphqlRoutes(
  app: FastifyInstance,
  services: Services,
): Promise<(wsScope: FastifyInstance) => void> {
  let loading: Promise<GraphqlEngine> | undefined;
  let engine: GraphqlEngine | undefined;
  const load = async (): Promise<GraphqlEngine> => {
    if (engine) return engine;
    loading ??= import("./graphql-engine.js").then((m) => m.openGraphqlEngine(services));
    try {
      engine = await loading;
      return engine;
    } catch (err) {
      loading = undefined; // the next request tries again
      throw err;
    }
  };

  await app.register(async (scope) => {
    scope.addContentTypeParser("application/graphql", { parseAs: "string" }, (_request, body, done) => {
      done(null, { query: body });
    });
    scope.setErrorHandler(async (error, request, reply) => {
      const { statusCode, response } = (await load()).formatError(error as Error, request, reply);
      return reply.code(statusCode).send(response);
    });
    scope.route({
      method: ["GET", "POST"],
      url: GRAPHQL_PATH,
      bodyLimit: GRAPHQL_BODY_LIMIT,
      onRequest: async () => {
        await load();
      },
      preHandler: async (request) => guardRequest(request, services),
      handler: async (request, reply) => (engine as GraphqlEngine).answer(request, reply),
    });
  });
  return (wsScope) => {
    wsScope.get(
      GRAPHQL_WS_PATH,
      {
        websocket: true,
        // Before the upgrade: the socket's first message finds the protocol's handler in place.
        onRequest: async () => {
          await load();
        },
      },
      function (socket, request) {
        return (engine as GraphqlEngine).wsHandler.call(this, socket, request);
      },
    );
  };
}

async function guardRequest(request: FastifyRequest, services: Services): Promise<void> {
  const settings = await services.settings.get();
  if (!settings.graphql.enabled) throw notFound("GraphQL is turned off (settings.graphql.enabled).");
  if (Array.isArray(request.body) && request.body.length > settings.graphql.maxBatch)
    throw badRequest(`A batch may hold at most ${settings.graphql.maxBatch} operations.`);
}
