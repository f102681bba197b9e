import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { DocumentNode, GraphQLError } from "graphql";
import mercurius, { type MercuriusContext } from "mercurius";
import { authWithPassword } from "../../auth/password-auth.js";
import { ApiError, badRequest, notFound } from "../../errors/api-error.js";
import type { GraphqlContext, GraphqlDeps } from "../../graphql/executable-schema.js";
import {
  asksIntrospection,
  operationOf,
  type QueryLimits,
  queryLimitErrors,
} from "../../graphql/query-limits.js";
import { recordChanges } from "../../graphql/record-changes.js";
import { GraphqlSchemas } from "../../graphql/schema-cache.js";
import type { RequestContext } from "../../records/request-context.js";
import type { Settings } from "../../settings/settings-model.js";
import { actionCheck, type LimitCheck, type LimitTarget } from "../rate-limit/limit-checks.js";
import { operationCheck } from "../rate-limit/operation-checks.js";
import { enforceRequestLimits } from "../rate-limit/rate-limit-hook.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";
import { graphqlWsRoute } from "./graphql-ws.js";

export const GRAPHQL_PATH = "/api/graphql";
/** A GraphQL request is text: a megabyte holds any sane query with its variables. */
const GRAPHQL_BODY_LIMIT = 1024 * 1024;

type Context = MercuriusContext & GraphqlContext & { request: FastifyRequest };

/** A request refused before it runs: its GraphQL errors and the HTTP status they answer with. */
class RefusedQuery extends Error {
  readonly statusCode: number;
  constructor(
    readonly errors: GraphQLError[],
    status = 400,
  ) {
    super(errors[0]?.message ?? "The query was refused.");
    this.statusCode = status;
  }
}

/**
 * `/api/graphql` (POST, and GET for queries): GraphQL over HTTP with Mercurius, on the schema
 * `src/graphql/` projects from the collections; resolvers call the request layer, so rules,
 * hooks, audit and outbox are the records API's. Before a document runs: the settings' bounds
 * (depth, cost, aliases, batch size), the allow-list, the introspection audience, per-operation
 * rate limits.
 */
export async function graphqlRoutes(
  app: FastifyInstance,
  services: Services,
): Promise<(wsScope: FastifyInstance) => void> {
  const deps: GraphqlDeps = {
    records: services.records,
    authWithPassword: (collection, body, ctx) => authWithPassword(services, collection, body, ctx),
    changes: (collection, ctx, signal) => recordChanges(services.realtime, collection, ctx, signal),
  };
  const schemas = new GraphqlSchemas(services.registry, deps);
  await app.register(async (scope) => {
    await scope.register(mercurius, {
      schema: schemas.schema(),
      path: GRAPHQL_PATH,
      graphiql: false,
      allowBatchedQueries: true,
      // A document run twice is compiled to JavaScript (graphql-jit) from its second run on.
      jit: 1,
      context: (request: FastifyRequest) => ({
        request,
        requestContext: () => contextOf(request, services),
      }),
      // Our errors are GraphQL's formatted shape; Mercurius's types name only graphql's classes.
      errorFormatter: ((execution: Execution, context: Context) =>
        formatErrors(execution, context)) as unknown as mercurius.MercuriusCommonOptions["errorFormatter"],
      additionalRouteOptions: {
        bodyLimit: GRAPHQL_BODY_LIMIT,
        preHandler: async (request: FastifyRequest) => guardRequest(request, services),
      },
    });
    const graphql = scope.graphql;

    graphql.addHook("preParsing", async (_schema, source, context) => {
      // A collection change since the last request (whoever rebuilt the schema first, this route or
      // the WebSocket's): the next document is checked and run on the new schema.
      const current = schemas.schema();
      if (graphql.schema !== current) graphql.replaceSchema(current);
      const ctx = await (context as Context).requestContext();
      const { allowedQueries } = (await services.settings.get()).graphql;
      if (allowedQueries.length > 0 && !ctx.superuser && !allowedQueries.includes(sha256(source)))
        throw new ApiError(403, "This query is not on the server's list of allowed queries.");
    });

    // Before GraphQL's own validation (whose cost grows with the document), on documents not yet cached.
    graphql.addHook("preValidation", async (_schema, document) => {
      checkLimits(document, (await services.settings.get()).graphql);
    });

    graphql.addHook("preExecution", async (_schema, document, context) => {
      const c = context as Context;
      const settings = await services.settings.get();
      checkLimits(document, settings.graphql);
      const ctx = await c.requestContext();
      if (introspects(document) && !introspectionAllowed(settings.graphql.introspection, ctx))
        throw new ApiError(
          403,
          "Introspection is not allowed for this caller (settings.graphql.introspection).",
        );
      await limitRate(c.request, c.reply, ctx, document, schemas, services);
    });
  });
  return (wsScope) => graphqlWsRoute(wsScope, services, schemas);
}

async function guardRequest(request: FastifyRequest, services: Services): Promise<void> {
  const settings = await services.settings.get();
  if (!settings.graphql.enabled) throw notFound("GraphQL is turned off (settings.graphql.enabled).");
  if (Array.isArray(request.body) && request.body.length > settings.graphql.maxBatch)
    throw badRequest(`A batch may hold at most ${settings.graphql.maxBatch} operations.`);
}

const limitChecks = new WeakMap<DocumentNode, { key: string; errors: GraphQLError[] }>();

/** The settings' bounds, checked once per document and bounds (documents are cached by their text). */
function checkLimits(document: DocumentNode, limits: QueryLimits): void {
  const key = `${limits.maxDepth}|${limits.maxAliases}|${limits.maxCost}`;
  let checked = limitChecks.get(document);
  if (checked?.key !== key) {
    checked = { key, errors: queryLimitErrors(document, limits) };
    limitChecks.set(document, checked);
  }
  if (checked.errors.length > 0) throw new RefusedQuery(checked.errors);
}

const introspecting = new WeakMap<DocumentNode, boolean>();

/** Whether a document asks for the schema, worked out once per (cached) document. */
function introspects(document: DocumentNode): boolean {
  let asks = introspecting.get(document);
  if (asks === undefined) {
    asks = asksIntrospection(document);
    introspecting.set(document, asks);
  }
  return asks;
}

function introspectionAllowed(audience: Settings["graphql"]["introspection"], ctx: RequestContext): boolean {
  if (ctx.superuser) return true;
  return audience === "all" || (audience === "users" && ctx.auth !== null);
}

/**
 * Rate limits per operation: its `graphql:` label, and for each root field the records API's
 * action labels of its collection (`posts:create`, `*:auth`, …), so a mutation counts as the
 * route it stands for and a batch counts every operation in it.
 */
async function limitRate(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: RequestContext,
  document: DocumentNode,
  schemas: GraphqlSchemas,
  services: Services,
): Promise<void> {
  const name = (request.body as { operationName?: unknown } | undefined)?.operationName;
  const operation = operationOf(document, typeof name === "string" ? name : undefined);
  if (!operation) return;
  const targets: LimitTarget[] = [];
  for (const s of operation.selectionSet.selections) {
    const action = s.kind === "Field" ? schemas.action(s.name.value) : undefined;
    if (!action) continue;
    const { collection, tags } = action;
    targets.push({
      method: "POST",
      path: GRAPHQL_PATH,
      action: { collectionId: collection.id, collectionName: collection.name, tags },
    });
  }
  await enforceRequestLimits(services, reply, ctx, [], {
    pathCheck: false,
    extraChecks: (rules, who) => {
      const checks: LimitCheck[] = [];
      const own = operationCheck(rules, who, operation.operation, operation.name?.value);
      if (own) checks.push(own);
      for (const t of targets) {
        const check = actionCheck(rules, t, who);
        if (check) checks.push(check);
      }
      return checks;
    },
  });
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

interface ErrorJson {
  message: string;
  locations?: unknown;
  path?: unknown;
  extensions?: Record<string, unknown>;
}

/**
 * Errors in GraphQL's shape, never with a stack: the records API's errors keep their message,
 * status and per-field issues (`extensions.status`, `extensions.data`); anything unexpected is
 * logged and answered "Something went wrong.". A request refused as a whole answers with its
 * HTTP status (400, 403, 413, 429…); a document that ran answers 200 with its data and errors.
 */
type Execution = { data?: unknown; errors?: readonly GraphQLError[] };

function formatErrors(
  execution: Execution,
  context: Context,
): { statusCode: number; response: { data: unknown; errors: ErrorJson[] } } {
  const out: ErrorJson[] = [];
  let status = 0;
  for (const error of execution.errors ?? []) {
    const original = error.originalError as (Error & { errors?: unknown; statusCode?: unknown }) | undefined;
    if (original instanceof RefusedQuery) {
      status ||= original.statusCode;
      for (const e of original.errors) out.push(plain(e));
    } else if (original && Array.isArray(original.errors)) {
      // Mercurius's own refusals (syntax, validation) carry GraphQL's errors as a list.
      status ||= typeof original.statusCode === "number" ? original.statusCode : 400;
      for (const e of original.errors as GraphQLError[]) out.push(plain(e));
    } else if (original instanceof ApiError) {
      status ||= original.status;
      const extensions: Record<string, unknown> = { status: original.status };
      if (Object.keys(original.data).length > 0) extensions.data = original.data;
      out.push({ ...plain(error), message: original.message, extensions });
    } else if (original && typeof original.statusCode === "number" && original.statusCode < 500) {
      // Fastify's refusals of the HTTP request itself: a body too large, malformed JSON, a bad method.
      status ||= original.statusCode;
      out.push({ message: original.message, extensions: { status: original.statusCode } });
    } else if (original) {
      context.reply?.log.error({ err: original }, "graphql resolver failed");
      status ||= 500;
      out.push({ ...plain(error), message: "Something went wrong.", extensions: { status: 500 } });
    } else {
      status ||= 400;
      out.push(plain(error));
    }
  }
  const ran = execution.data !== undefined && execution.data !== null;
  return { statusCode: ran ? 200 : status || 400, response: { data: execution.data ?? null, errors: out } };
}

function plain(error: GraphQLError | Error): ErrorJson {
  const e = error as GraphQLError;
  const json: ErrorJson = { message: e.message };
  if (e.locations) json.locations = e.locations;
  if (e.path) json.path = e.path;
  if (e.extensions && Object.keys(e.extensions).length > 0) json.extensions = { ...e.extensions };
  return json;
}
