import {
  buildSchema,
  type GraphQLFieldResolver,
  GraphQLObjectType,
  type GraphQLResolveInfo,
  GraphQLScalarType,
  type GraphQLSchema,
} from "graphql";
import type { RecordActions } from "../api/record-actions.js";
import type { AuthResponse } from "../auth/complete-auth.js";
import type { Collection } from "../collections/model.js";
import { ApiError, badRequest } from "../errors/api-error.js";
import { HookReply } from "../hooks/request-event.js";
import type { Principal } from "../realtime/principal.js";
import { MAX_PER_PAGE } from "../records/list-params.js";
import type { RequestContext } from "../records/request-context.js";
import { expandOf, itemsSelection } from "./expand-from-selection.js";
import { graphqlNames } from "./names.js";
import { schemaSdl } from "./sdl.js";

/** A change to a record, as a subscription yields it. */
export interface RecordChange {
  action: string;
  record: Record<string, unknown>;
}

/** What the resolvers use of the app: the request layer and the transports' shared flows. */
export interface GraphqlDeps {
  records: RecordActions;
  authWithPassword(
    collection: Collection,
    body: Record<string, unknown>,
    ctx: RequestContext,
  ): Promise<AuthResponse>;
  /** Changes to `collection`'s records the subscriber may see, until `signal` aborts. */
  changes(collection: Collection, subscriber: Subscriber, signal: AbortSignal): AsyncIterable<RecordChange>;
}

/** What every resolver gets from the transport: the requester, as the records API sees it. */
export interface GraphqlContext {
  requestContext(): Promise<RequestContext>;
  /** Who a subscription's events are authorized for (the WebSocket's connection parameters). */
  subscriber?(): Promise<Subscriber>;
}

/** A subscriber as the realtime hub knows it. */
export interface Subscriber {
  principal: Principal | null;
  ip: string;
}

type Resolver = GraphQLFieldResolver<unknown, GraphqlContext, Record<string, unknown>>;

const JSONScalar = new GraphQLScalarType({
  name: "JSON",
  description: "Any JSON value.",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: () => {
    throw badRequest("JSON values are passed as variables, not written inline.");
  },
});

/**
 * The executable schema of `collections`: the SDL of `sdl.ts` with resolvers that
 * call the request layer (`RecordActions`), so rules, validation, hooks, audit and outbox are
 * the records API's own.
 */
export function executableSchema(collections: readonly Collection[], deps: GraphqlDeps): GraphQLSchema {
  const schema = buildSchema(schemaSdl(collections));
  Object.assign(schema.getType("JSON") as GraphQLScalarType, {
    serialize: JSONScalar.serialize,
    parseValue: JSONScalar.parseValue,
    parseLiteral: JSONScalar.parseLiteral,
  });
  const query = fieldsOf(schema, "Query");
  const mutation = fieldsOf(schema, "Mutation");
  const subscription = fieldsOf(schema, "Subscription");
  for (const [id, n] of graphqlNames(collections)) {
    const c = collections.find((x) => x.id === id) as Collection;
    setResolver(query, n.listField, listResolver(c, deps));
    setResolver(query, n.byIdField, viewResolver(c, deps));
    setResolver(mutation, n.createField, async (_root, args, context, info) => {
      const ctx = withExpand(
        await context.requestContext(),
        expandOf(info.fieldNodes[0]?.selectionSet, info.fragments),
      );
      return answer(await deps.records.create(c.name, inputOf(args.data), ctx));
    });
    setResolver(mutation, n.updateField, async (_root, args, context, info) => {
      const ctx = withExpand(
        await context.requestContext(),
        expandOf(info.fieldNodes[0]?.selectionSet, info.fragments),
      );
      return answer(await deps.records.update(c.name, String(args.id), inputOf(args.data), ctx));
    });
    setResolver(mutation, n.deleteField, async (_root, args, context) => {
      const reply = await deps.records.delete(c.name, String(args.id), await context.requestContext());
      if (reply) answer(reply);
      return true;
    });
    setResolver(mutation, n.authWithPasswordField, async (_root, args, context) =>
      deps.authWithPassword(deps.records.collection(c.name), args, await context.requestContext()),
    );
    const events = subscription?.[n.listField];
    if (events) {
      events.subscribe = (_root, _args, context: GraphqlContext) => changeStream(c, deps, context);
      events.resolve = (change: unknown) => change;
    }
  }
  return schema;
}

function listResolver(c: Collection, deps: GraphqlDeps): Resolver {
  return async (_root, args, context, info) => {
    const query: Record<string, string> = {};
    if (typeof args.filter === "string") query.filter = args.filter;
    if (typeof args.sort === "string") query.sort = args.sort;
    if (typeof args.page === "number") query.page = String(positive(args.page, "page"));
    if (typeof args.perPage === "number") {
      // REST clamps a larger perPage; GraphQL says so instead, as it refuses other over-limit queries.
      if (args.perPage > MAX_PER_PAGE) throw badRequest(`perPage may be at most ${MAX_PER_PAGE}.`);
      query.perPage = String(positive(args.perPage, "perPage"));
    }
    if (args.skipTotal === true) query.skipTotal = "true";
    const expand = itemsSelection(info.fieldNodes, info.fragments)
      .map((s) => expandOf(s, info.fragments))
      .filter(Boolean)
      .join(",");
    if (expand !== "") query.expand = expand;
    const ctx = await context.requestContext();
    return answer(await deps.records.list(c.name, { ...ctx, query }));
  };
}

function viewResolver(c: Collection, deps: GraphqlDeps): Resolver {
  return async (_root, args, context, info) => {
    const ctx = withExpand(
      await context.requestContext(),
      expandOf(info.fieldNodes[0]?.selectionSet, info.fragments),
    );
    try {
      return answer(await deps.records.view(c.name, String(args.id), ctx));
    } catch (err) {
      // Missing and hidden look the same, as in REST's 404; GraphQL's word for it is null.
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  };
}

async function* changeStream(
  c: Collection,
  deps: GraphqlDeps,
  context: GraphqlContext,
): AsyncGenerator<RecordChange> {
  if (!context.subscriber)
    throw badRequest("Subscriptions are served over WebSocket (graphql-ws) at /api/graphql/ws.");
  const subscriber = await context.subscriber();
  const abort = new AbortController();
  try {
    yield* deps.changes(c, subscriber, abort.signal);
  } finally {
    abort.abort();
  }
}

function withExpand(ctx: RequestContext, expand: string): RequestContext {
  return expand === "" ? ctx : { ...ctx, query: { expand } };
}

function positive(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw badRequest(`${name} must be a positive whole number.`);
  return n;
}

/** A write's `data` argument as the body the records API takes (GraphQL gives null-prototype objects). */
function inputOf(data: unknown): Record<string, unknown> {
  return data && typeof data === "object" ? { ...(data as Record<string, unknown>) } : {};
}

/** The action's result, or the reply a request hook chose instead (an error status is an error). */
function answer<T>(result: T | HookReply): T | unknown {
  if (!(result instanceof HookReply)) return result;
  if (result.status >= 400) {
    const body = result.body as { message?: unknown } | undefined;
    throw new ApiError(
      result.status,
      typeof body?.message === "string" ? body.message : "The request was refused.",
    );
  }
  return result.body;
}

type FieldMap = Record<
  string,
  { resolve?: unknown; subscribe?: (root: unknown, args: unknown, context: GraphqlContext) => unknown }
>;

function fieldsOf(schema: GraphQLSchema, name: string): FieldMap | undefined {
  const type = schema.getType(name);
  return type instanceof GraphQLObjectType ? (type.getFields() as unknown as FieldMap) : undefined;
}

function setResolver(fields: FieldMap | undefined, name: string, resolve: Resolver): void {
  const field = fields?.[name];
  if (field)
    field.resolve = resolve as (
      root: unknown,
      args: unknown,
      ctx: unknown,
      info: GraphQLResolveInfo,
    ) => unknown;
}
