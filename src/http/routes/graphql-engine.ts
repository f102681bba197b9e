import { createHash } from "node:crypto";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { type DocumentNode, GraphQLError } from "graphql";
import mercurius, { type MercuriusContext } from "mercurius";
import { authWithPassword } from "../../auth/password-auth.js";
import { ApiError } from "../../errors/api-error.js";
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
import { GRAPHQL_PATH } from "./graphql-paths.js";
import { graphqlWsHandler } from "./graphql-ws.js";

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

/** What the `/api/graphql` routes (`graphql.ts`) hand over to once GraphQL is loaded. */
export interface GraphqlEngine {
  /** Answers a GET or POST that passed the routes' own checks: one execution, or a batch's list. */
  answer(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  /** Any error of a request on the GraphQL routes, in GraphQL's shape: status and body. */
  formatError(
    error: Error,
    request: FastifyRequest,
    reply: FastifyReply,
  ): { statusCode: number; response: unknown };
  /** The graphql-ws handler of `/api/graphql/ws`. */
  wsHandler: ReturnType<typeof graphqlWsHandler>;
}

/**
 * GraphQL over HTTP with Mercurius, on the schema `src/graphql/` projects from the collections;
 * resolvers call the request layer, so rules, hooks, audit and outbox are the records API's.
 * Before a document runs: the settings' bounds (depth, cost, aliases, batch size), the allow-list,
 * the introspection audience, per-operation rate limits. Loaded on the first GraphQL request
 * (`graphql.ts`): graphql, Mercurius and graphql-jit are ~20 MB of an idle server's memory.
 * Mercurius lives in a Fastify instance of its own that never listens (its executor, caches and
 * hooks, without its routes): the server's routes are fixed before the first request, and they
 * call this executor.
 */
export async function openGraphqlEngine(services: Services): Promise<GraphqlEngine> {
  const deps: GraphqlDeps = {
    records: services.records,
    authWithPassword: (collection, body, ctx) => authWithPassword(services, collection, body, ctx),
    changes: (collection, ctx, signal) => recordChanges(services.realtime, collection, ctx, signal),
  };
  const schemas = new GraphqlSchemas(services.registry, deps);
  const executor = Fastify();
  await executor.register(mercurius, {
    schema: schemas.schema(),
    routes: false,
    allowBatchedQueries: true,
    // A document run twice is compiled to JavaScript (graphql-jit) from its second run on.
    jit: 1,
    // Our errors are GraphQL's formatted shape; Mercurius's types name only graphql's classes.
    errorFormatter: ((execution: Execution, context: Context) =>
      formatErrors(execution, context)) as unknown as mercurius.MercuriusCommonOptions["errorFormatter"],
  });
  await executor.ready();
  const graphql = executor.graphql;

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

  const contextFor = (request: FastifyRequest, reply: FastifyReply) =>
    ({
      request,
      reply,
      app: executor,
      requestContext: () => contextOf(request, services),
    }) as unknown as Context;
  const run = (op: Operation, context: Context) => {
    if (!op.query) throw refusal("Unknown query");
    return graphql(op.query, context, op.variables ?? undefined, op.operationName ?? undefined);
  };

  return {
    answer: async (request, reply) => {
      if (request.method === "GET") return run(getOperation(request.query), contextFor(request, reply));
      const body = request.body;
      if (!Array.isArray(body)) return run(postOperation(body, "body"), contextFor(request, reply));
      // A batch: one answer per operation, an operation's refusal in its own place.
      const shared = contextFor(request, reply);
      return Promise.all(
        body.map(async (item, operationId) => {
          const context: Context = Object.assign(body.length > 1 ? Object.create(shared) : shared, {
            operationId,
          });
          try {
            return await run(postOperation(item, `body/${operationId}`), context);
          } catch (err) {
            return formatErrors({ errors: [asGraphqlError(err as Error)] }, shared).response;
          }
        }),
      );
    },
    formatError: (error, request, reply) =>
      formatErrors({ errors: [asGraphqlError(error)] }, contextFor(request, reply)),
    wsHandler: graphqlWsHandler(services, schemas),
  };
}

interface Operation {
  query?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** A malformed request: 400, with its GraphQL error. */
function refusal(message: string): RefusedQuery {
  return new RefusedQuery([new GraphQLError(message)]);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** `?query=…&operationName=…&variables=<JSON>` */
function getOperation(query: unknown): Operation {
  const q = isObject(query) ? query : {};
  for (const key of ["query", "operationName", "variables", "extensions"])
    if (q[key] !== undefined && typeof q[key] !== "string")
      throw refusal(`querystring/${key} must be string`);
  let variables: Operation["variables"];
  if (typeof q.variables === "string" && q.variables !== "") {
    try {
      variables = JSON.parse(q.variables);
    } catch {
      throw refusal("querystring/variables must be JSON");
    }
    if (variables !== null && !isObject(variables)) throw refusal("querystring/variables must be object");
  }
  return {
    query: q.query as string | undefined,
    operationName: q.operationName as string | undefined,
    variables,
  };
}

/** `{"query", "operationName", "variables"}`: the body, or one operation of a batch. */
function postOperation(body: unknown, at: string): Operation {
  if (!isObject(body)) throw refusal(`${at} must be object`);
  const { query, operationName, variables } = body;
  if (query !== undefined && typeof query !== "string") throw refusal(`${at}/query must be string`);
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string")
    throw refusal(`${at}/operationName must be string,null`);
  if (variables !== undefined && variables !== null && !isObject(variables))
    throw refusal(`${at}/variables must be object,null`);
  return body as Operation;
}

/** Any error as a GraphQL error that keeps it as its `originalError` (what `formatErrors` reads). */
function asGraphqlError(error: Error): GraphQLError {
  return error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
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
