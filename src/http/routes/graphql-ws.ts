import { type DocumentNode, GraphQLError, parse, validate } from "graphql";
import { makeHandler } from "graphql-ws/use/@fastify/websocket";
import type { GraphqlContext, Subscriber } from "../../graphql/executable-schema.js";
import { asksIntrospection, operationOf, queryLimitErrors } from "../../graphql/query-limits.js";
import type { GraphqlSchemas } from "../../graphql/schema-cache.js";
import { type Principal, principalOf } from "../../realtime/principal.js";
import type { Services } from "../services.js";

/** A refusal of one subscribe message, as graphql-ws sends it back (an `error` message). */
const refused = (message: string) => [new GraphQLError(message)];

/**
 * `GET /api/graphql/ws`: GraphQL subscriptions over the graphql-ws protocol (`graphql-transport-ws`).
 * The caller is named once, in `connection_init`'s payload `{ "authorization": "TOKEN" }` (or the
 * upgrade request's Authorization header); each subscription's events come from the realtime hub
 * with that principal, so a subscriber gets exactly what SSE would give it. Documents keep to the
 * same bounds as over HTTP. The route itself (`graphql.ts`) is registered in the realtime WebSocket
 * scope, which owns the upgrades; this handler is loaded with the rest of GraphQL on first use.
 */
export function graphqlWsHandler(services: Services, schemas: GraphqlSchemas) {
  const deps = { store: services.store, registry: services.registry, query: services.records.query };
  const principals = new WeakMap<object, Principal | null>();
  const handler = makeHandler({
    onConnect: async (ctx) => {
      const fromParams = ctx.connectionParams?.authorization;
      const header = typeof fromParams === "string" ? fromParams : ctx.extra.request.headers.authorization;
      try {
        principals.set(ctx, await principalOf(header, deps));
        return true;
      } catch {
        return false;
      }
    },
    onSubscribe: async (ctx, _id, payload) => {
      const settings = await services.settings.get();
      if (!settings.graphql.enabled) return refused("GraphQL is turned off (settings.graphql.enabled).");
      let document: DocumentNode;
      try {
        document = parse(payload.query);
      } catch (err) {
        return [err instanceof GraphQLError ? err : new GraphQLError("The query could not be parsed.")];
      }
      const limits = queryLimitErrors(document, settings.graphql);
      if (limits.length > 0) return limits;
      const operation = operationOf(document, payload.operationName);
      if (operation?.operation !== "subscription")
        return refused(
          "Only subscriptions are served here; send queries and mutations to POST /api/graphql.",
        );
      const principal = principals.get(ctx) ?? null;
      if (asksIntrospection(document)) return refused("Introspection is served over HTTP only.");
      const schema = schemas.schema();
      const errors = validate(schema, document);
      if (errors.length > 0) return errors;
      const subscriber: Subscriber = { principal, ip: ctx.extra.request.ip };
      const contextValue: GraphqlContext = {
        requestContext: () => Promise.reject(new Error("no HTTP request on a subscription")),
        subscriber: async () => subscriber,
      };
      return {
        schema,
        document,
        operationName: payload.operationName ?? null,
        variableValues: payload.variables ?? null,
        contextValue,
      };
    },
  });
  return handler;
}
